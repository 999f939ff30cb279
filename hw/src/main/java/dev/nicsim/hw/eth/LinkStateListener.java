package dev.nicsim.hw.eth;

/** Told when a link's carrier comes or goes (a PHY's link-status change). */
@FunctionalInterface
public interface LinkStateListener
{
    void linkStateChanged(boolean up);
}
