package dev.nicsim.driver;

import dev.nicsim.driver.foreign.CDriver;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Builds the driver a host binds to its NIC, from a driver specification (the {@code host.driver} setting):
 *
 * <table>
 *   <caption>Driver specifications</caption>
 *   <tr><td>{@code java}</td><td>the built-in Java driver, {@link NicDriver} (the default)</td></tr>
 *   <tr><td>{@code java:NAME}</td><td>the Java driver whose {@link DriverProvider} is called NAME, found with
 *   {@link ServiceLoader} ({@code java:ns1} is the built-in one)</td></tr>
 *   <tr><td>{@code c:PATH}</td><td>a C driver: the shared library at PATH (a path holds a '/' or ends in .so)</td></tr>
 *   <tr><td>{@code c:NAME}</td><td>a C driver built with nicsim: {@code lib<NAME>.so} in the native directory, e.g.
 *   {@code c:ns1}, the reference driver</td></tr>
 * </table>
 *
 * The native directory is the system property {@code nicsim.native.dir}, else {@code driver/target/native} under the
 * system property {@code nicsim.home} (the launcher sets it), else under the working directory or its parent.
 */
public final class DriverFactory
{
    /** The built-in driver's specification, the default. */
    public static final String BUILT_IN = "java";
    /** The reference C driver's specification. */
    public static final String REFERENCE_C = "c:ns1";

    private DriverFactory()
    {
    }

    /**
     * Checks a specification's form (not whether its library or provider exists) and returns it trimmed.
     *
     * @throws IllegalArgumentException saying what forms there are
     */
    public static String validate(final String specification)
    {
        final String spec = specification.trim();
        if (spec.equals(BUILT_IN) || (spec.startsWith("java:") && spec.length() > 5) ||
            (spec.startsWith("c:") && spec.length() > 2))
        {
            return spec;
        }
        throw new IllegalArgumentException("driver '" + specification + "' is not a driver specification: write " +
            "java (the built-in driver), java:NAME (a DriverProvider found with ServiceLoader), c:/path/to/lib.so " +
            "(a C driver) or c:ns1 (the reference C driver)");
    }

    /**
     * A driver bound to the context's NIC, not probed yet.
     *
     * @throws IllegalArgumentException for a malformed specification
     * @throws DriverException          if the Java provider or the C library is not there or not a driver
     */
    public static DeviceDriver create(final String specification, final DriverContext context)
    {
        final String spec = validate(specification);
        if (spec.equals(BUILT_IN))
        {
            return new BuiltInDriverProvider().create(context);
        }
        if (spec.startsWith("java:"))
        {
            return provider(spec.substring(5)).create(context);
        }
        return new CDriver(library(spec.substring(2)), context);
    }

    /**
     * Whether the driver a specification names takes an RSS key and table from the host ({@link DeviceDriver#setRss}):
     * the built-in driver, a provider's that says so ({@link DriverProvider#programsRss}), and a C driver of ABI 3 or
     * later that has set_rss. A provider or library that cannot be found or loaded counts as taking them: creating
     * its driver says why it is not there.
     */
    public static boolean programsRss(final String specification)
    {
        final String spec = validate(specification);
        try
        {
            if (spec.equals(BUILT_IN))
            {
                return true;
            }
            return spec.startsWith("java:") ? provider(spec.substring(5)).programsRss() :
                CDriver.programsRss(library(spec.substring(2)));
        }
        catch (final DriverException | InvalidPathException e)
        {
            return true;
        }
    }

    /** The provider called {@code name}: the built-in one, or one ServiceLoader finds (module layer, class path). */
    public static DriverProvider provider(final String name)
    {
        final DriverProvider builtIn = new BuiltInDriverProvider();
        if (builtIn.name().equals(name))
        {
            return builtIn;
        }
        final List<String> known = new ArrayList<>(List.of(builtIn.name()));
        for (final DriverProvider provider : ServiceLoader.load(DriverProvider.class))
        {
            if (provider.name().equals(name))
            {
                return provider;
            }
            known.add(provider.name());
        }
        throw new DriverException("no Java driver called '" + name + "': the DriverProviders found are " + known +
            "; a driver module declares 'provides dev.nicsim.driver.DriverProvider with ...'");
    }

    /** The shared library a {@code c:} specification names. */
    public static Path library(final String pathOrName)
    {
        if (pathOrName.contains("/") || pathOrName.endsWith(".so"))
        {
            return Path.of(pathOrName);
        }
        return nativeDirectory().resolve("lib" + pathOrName + ".so");
    }

    /** Where the build puts the C drivers it compiles (the reference driver and the deliberately broken ones). */
    public static Path nativeDirectory()
    {
        final String explicit = System.getProperty("nicsim.native.dir");
        if (explicit != null)
        {
            return Path.of(explicit);
        }
        final Path relative = Path.of("driver", "target", "native");
        final String home = System.getProperty("nicsim.home");
        if (home != null)
        {
            return Path.of(home).resolve(relative);
        }
        final Path here = Path.of("").toAbsolutePath();
        for (Path dir = here; dir != null; dir = dir.getParent())
        {
            if (Files.isDirectory(dir.resolve(relative)))
            {
                return dir.resolve(relative);
            }
        }
        return here.resolve(relative);
    }
}
