package dev.nicsim.driver;

/**
 * A Java driver for the NS-1 that a host can load by name ({@code host.driver=java:NAME}) through
 * {@link java.util.ServiceLoader}. A driver in a module declares {@code provides dev.nicsim.driver.DriverProvider with
 * ...}; one on the class path lists its provider in {@code META-INF/services/dev.nicsim.driver.DriverProvider}.
 */
public interface DriverProvider
{
    /** The name {@code host.driver=java:NAME} selects it by. */
    String name();

    /** A driver bound to the context's NIC, not probed yet. */
    DeviceDriver create(DriverContext context);

    /**
     * Whether its drivers take an RSS key and table from the host ({@link DeviceDriver#setRss}); asked before a run
     * whose settings give them, which are refused for a driver without.
     */
    default boolean programsRss()
    {
        return false;
    }
}
