package dev.nicsim.tools.drivercheck;

import dev.nicsim.driver.DriverFactory;
import dev.nicsim.driver.DriverProvider;
import dev.nicsim.hw.testsupport.ExternalTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kit passes the built-in driver and the reference C driver, and catches a driver that breaks each rule. */
class DriverCheckTest
{
    private static void assertAllPass(final List<CheckResult> results)
    {
        assertEquals(Check.values().length, results.size());
        results.forEach(result -> assertTrue(result.passed(), result.format()));
    }

    @Test
    void shouldPassTheBuiltInJavaDriver()
    {
        assertAllPass(DriverCheck.of(DriverFactory.BUILT_IN).runAll());
    }

    @Test
    void shouldPassTheReferenceCDriver()
    {
        ExternalTool.require(Files.isRegularFile(DriverFactory.library("ns1")), "the reference C driver " +
            DriverFactory.library("ns1") + " was not built (no gcc when driver/ was compiled?)");
        assertAllPass(DriverCheck.of(DriverFactory.REFERENCE_C).runAll());
    }

    @ParameterizedTest
    @EnumSource(Check.class)
    void shouldFailADriverThatBreaksTheRule(final Check check)
    {
        final CheckResult result = new DriverCheck(BrokenJavaDrivers.breaking(check)).run(check);

        assertFalse(result.passed(), result.format());
        assertTrue(result.format().startsWith("FAIL  " + check.title()), result.format());
        assertTrue(result.format().contains(check.section()), "names the datasheet section: " + result.format());
        System.out.println(result.format());
    }

    @Test
    void shouldFindJavaDriversByProviderNameAndSayWhichExist()
    {
        final DriverProvider builtIn = DriverFactory.provider("ns1");
        assertEquals("ns1", builtIn.name());
        final RuntimeException unknown = assertThrows(RuntimeException.class, () -> DriverFactory.provider("e1000"));
        assertTrue(unknown.getMessage().contains("no Java driver called 'e1000'") &&
            unknown.getMessage().contains("[ns1"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DriverCheck.of("rust:ns1"));
    }
}
