package dev.nicsim.tools.drivercheck;

import dev.nicsim.driver.DriverConfig;
import dev.nicsim.driver.DriverFactory;
import dev.nicsim.driver.DriverProvider;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.nic.MisuseMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.spi.ToolProvider;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A Java driver from another module, found by {@code host.driver=java:NAME} through ServiceLoader: the test compiles a
 * module that {@code provides dev.nicsim.driver.DriverProvider}, loads it in a module layer and runs frames through
 * the driver it provides.
 */
class ServiceLoaderDriverTest
{
    @TempDir
    Path dir;

    @Test
    void shouldFindAndRunAJavaDriverThatAnotherModuleProvides() throws IOException
    {
        final Path source = dir.resolve("src");
        Files.createDirectories(source.resolve("my/driver"));
        Files.writeString(source.resolve("module-info.java"), "module my.driver { requires dev.nicsim.driver; " +
            "provides dev.nicsim.driver.DriverProvider with my.driver.MyProvider; }");
        Files.writeString(source.resolve("my/driver/MyProvider.java"), """
            package my.driver;
            public final class MyProvider implements dev.nicsim.driver.DriverProvider {
                public String name() { return "mine"; }
                public dev.nicsim.driver.DeviceDriver create(dev.nicsim.driver.DriverContext context) {
                    return new dev.nicsim.driver.BuiltInDriverProvider().create(context);
                }
            }
            """);
        final Path classes = dir.resolve("classes");
        assertEquals(0, ToolProvider.findFirst("javac").orElseThrow().run(System.out, System.err, "-d",
            classes.toString(),
            "--module-path", System.getProperty("jdk.module.path"), source.resolve("module-info.java").toString(),
            source.resolve("my/driver/MyProvider.java").toString()));
        final Configuration configuration = ModuleLayer.boot().configuration().resolveAndBind(ModuleFinder.of(classes),
            ModuleFinder.of(), Set.of("my.driver"));
        final ModuleLayer layer = ModuleLayer.defineModulesWithOneLoader(configuration, List.of(ModuleLayer.boot()),
            ClassLoader.getSystemClassLoader()).layer();

        final Thread thread = Thread.currentThread();
        final ClassLoader saved = thread.getContextClassLoader();
        try
        {
            thread.setContextClassLoader(layer.findLoader("my.driver"));
            final DriverProvider provider = DriverFactory.provider("mine");
            assertEquals("my.driver", provider.getClass().getModule().getName());

            final Bench bench = Bench.underTest(DriverConfig.defaults(),
                context -> DriverFactory.create("java:mine", context), MisuseMode.STRICT);
            bench.streamA().send(100);
            bench.sim().runUntil(() -> bench.streamB().received() == 100, bench.sim().now() + Time.ms(5));
            assertEquals(100, bench.streamB().received());
            assertEquals(0, bench.streamB().wrong());
        }
        finally
        {
            thread.setContextClassLoader(saved);
        }
    }
}
