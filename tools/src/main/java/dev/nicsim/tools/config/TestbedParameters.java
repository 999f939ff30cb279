package dev.nicsim.tools.config;

import java.util.ArrayList;
import java.util.List;

/** The whole catalog: every layer's parameters, in layer order. */
public final class TestbedParameters
{
    private static final ParameterCatalog CATALOG = build();

    private TestbedParameters()
    {
    }

    public static ParameterCatalog catalog()
    {
        return CATALOG;
    }

    /** Defaults for everything. */
    public static Settings defaults()
    {
        return new Settings(CATALOG);
    }

    private static ParameterCatalog build()
    {
        final List<Parameter> all = new ArrayList<>(PlatformParameters.all());
        all.addAll(DeviceParameters.all());
        all.addAll(StackParameters.all());
        return new ParameterCatalog(all);
    }
}
