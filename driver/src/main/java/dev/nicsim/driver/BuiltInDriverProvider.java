package dev.nicsim.driver;

/**
 * The built-in {@link NicDriver}, as a provider: {@code host.driver=java} or {@code java:ns1}. The factory knows it
 * without ServiceLoader (this module's descriptor is also compiled for release 17, which cannot see the driver's
 * FFM types that a {@code provides} clause would make it resolve).
 */
public final class BuiltInDriverProvider implements DriverProvider
{
    /** The built-in driver's provider name. */
    public static final String NAME = "ns1";

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public boolean programsRss()
    {
        return true;
    }

    @Override
    public DeviceDriver create(final DriverContext context)
    {
        return new NicDriver(context.name(), context.function(), context.root(), context.allocator(), context.cpu(),
            context.config());
    }
}
