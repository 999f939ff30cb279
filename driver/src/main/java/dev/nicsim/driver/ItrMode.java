package dev.nicsim.driver;

/** How the driver sets the device's interrupt throttling interval (ITR). */
public enum ItrMode
{
    /** One interval, set at probe and changed only by {@link NicDriver#setItr}: {@code ethtool -C rx-usecs N}. */
    STATIC,
    /** Chosen after every completed poll from the traffic, as e1000/igb's dynamic conservative mode does. */
    ADAPTIVE
}
