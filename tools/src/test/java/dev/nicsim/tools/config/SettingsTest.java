package dev.nicsim.tools.config;

import dev.nicsim.hw.pcie.PcieConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsTest
{
    @Test
    void shouldTurnDefaultsIntoTheHardwareModelsOwnDefaults()
    {
        final Settings settings = TestbedParameters.defaults();
        assertEquals(PcieConfig.defaults(), PlatformParameters.pcie(settings));
        assertEquals(dev.nicsim.hw.eth.EthernetConfig.tenGigabit(), PlatformParameters.ethernet(settings));
        assertEquals(dev.nicsim.hw.host.CpuCosts.defaults(), PlatformParameters.cpuCosts(settings));
    }

    @Test
    void shouldMapStackKeysOntoTheStacksOwnDefaultsAndChoices()
    {
        final dev.nicsim.stack.context.StackConfig defaults = dev.nicsim.stack.context.StackConfig.defaults();
        final dev.nicsim.stack.context.StackConfig mapped = StackParameters.stack(TestbedParameters.defaults(), 1);
        assertEquals(defaults.synPolicy(), mapped.synPolicy());
        assertEquals(defaults.rtoMinPs(), mapped.rtoMinPs());
        assertEquals(defaults.arpRetransmitPs(), mapped.arpRetransmitPs());
        assertEquals(defaults.ephemeralHigh(), mapped.ephemeralHigh());

        final dev.nicsim.stack.context.StackConfig rfc = StackParameters.stack(TestbedParameters.defaults()
            .assign("tcp.syn_profile=rfc6298").assign("arp.probes=5"), 1);
        assertEquals(dev.nicsim.stack.context.SynRetransmitPolicy.RFC6298, rfc.synPolicy());
        assertEquals(5, rfc.arpProbes());
        assertTrue(StackParameters.stack(TestbedParameters.defaults(), 1).seed() !=
            StackParameters.stack(TestbedParameters.defaults(), 2).seed(), "each host has its own secrets");
    }

    @Test
    void shouldApplyAFileThenFlagsInOrder(@TempDir final Path dir) throws IOException
    {
        final Path file = dir.resolve("run.properties");
        Files.writeString(file, "pcie.lanes = 16\npcie.dma_read_latency_ns=600\n");
        final Settings settings = TestbedParameters.defaults().load(file).assign("pcie.dma_read_latency_ns=700");

        assertEquals(16, PlatformParameters.pcie(settings).lanes());
        assertEquals(700_000, PlatformParameters.pcie(settings).readLatencyPs());
    }

    @Test
    void shouldReadAFileThatStartsWithAByteOrderMark(@TempDir final Path dir) throws IOException
    {
        // Windows editors save UTF-8 with a BOM; it was read as part of the first key (an unknown key).
        final Path file = dir.resolve("bom.properties");
        Files.writeString(file, "\uFEFFpcie.lanes = 16\n");
        assertEquals(16, PlatformParameters.pcie(TestbedParameters.defaults().load(file)).lanes());
    }

    @Test
    void shouldRejectABadFileEntirelyNamingTheFileAndKey(@TempDir final Path dir) throws IOException
    {
        final Path file = dir.resolve("bad.properties");
        Files.writeString(file, "pcie.lanes=16\nlink.cable_m=-3\n");
        final Settings settings = TestbedParameters.defaults();

        final ConfigException error = assertThrows(ConfigException.class, () -> settings.load(file));
        assertTrue(error.getMessage().contains("bad.properties:2: bad value '-3' for link.cable_m: it takes a number " +
            "in [0, 100000] (m)"), error.getMessage());
        assertEquals("8", settings.text(PlatformParameters.PCIE_LANES), "nothing from a bad file is applied");
        assertThrows(ConfigException.class, () -> settings.load(dir.resolve("missing.properties")));
    }

    @Test
    void shouldReadInlineCommentsAndNameTheLineOfGarbage(@TempDir final Path dir) throws IOException
    {
        final Path file = dir.resolve("run.conf");
        Files.writeString(file, "# a 25G run\n\nlink.rate_gbps = 25   # the wire\nsim.seed=7#not a comment\n");
        final ConfigException hash = assertThrows(ConfigException.class, () -> TestbedParameters.defaults()
            .load(file));
        assertTrue(hash.getMessage().contains("run.conf:4: bad value '7#not a comment' for sim.seed"),
            hash.getMessage());
        Files.writeString(file, "# a 25G run\n\nlink.rate_gbps = 25   # the wire\nsim.seed=7 # seven\n");
        final Settings settings = TestbedParameters.defaults().load(file);
        assertEquals("25", settings.text(PlatformParameters.LINK_RATE));
        assertEquals(7, settings.integer(PlatformParameters.SEED));

        Files.write(file, new byte[] {'l', 'i', 'n', 'k', '\n', (byte) 0xC3, 0x28, '=', '1', '\n'});
        assertTrue(assertThrows(ConfigException.class, () -> TestbedParameters.defaults().load(file)).getMessage()
            .contains("as UTF-8 text"));
        Files.writeString(file, "sim.seed = 3\nthis is not a setting\n");
        final ConfigException garbage = assertThrows(ConfigException.class, () -> TestbedParameters.defaults()
            .load(file));
        assertTrue(garbage.getMessage().contains("run.conf:2: 'this is not a setting' is not a setting"),
            garbage.getMessage());
    }

    @Test
    void shouldNameTheClosestKeyForATypo()
    {
        final ConfigException error = assertThrows(ConfigException.class,
            () -> TestbedParameters.defaults().assign("fault.dorp=0.1"));
        assertTrue(error.getMessage().contains("did you mean 'fault.drop'?"), error.getMessage());
        assertThrows(ConfigException.class, () -> TestbedParameters.defaults().assign("no-equals-sign"));
    }

    @Test
    void shouldTakeFramesToDropAsIncreasingPlacesAndRefuseAnythingElse()
    {
        final Settings settings = TestbedParameters.defaults().assign("fault.drop_frames= 300, 20_000 ,25000");
        assertEquals("300,20000,25000", settings.text("fault.drop_frames"));
        assertArrayEquals(new long[] {300, 20_000, 25_000}, settings.ordinals("fault.drop_frames"));
        assertArrayEquals(new long[0], TestbedParameters.defaults().ordinals("fault.drop_frames"));
        for (final String bad : new String[] {"5,5", "9,3", "0", "-1", "3,x", "3,,4"})
        {
            final ConfigException error = assertThrows(ConfigException.class,
                () -> TestbedParameters.defaults().assign("fault.drop_frames=" + bad));
            assertTrue(error.getMessage().contains("fault.drop_frames") &&
                error.getMessage().contains("strictly increasing"), error.getMessage());
        }
    }

    @Test
    void shouldChooseEachHostsDriverFromItsOwnKeyOrTheCommonOne()
    {
        final Settings settings = TestbedParameters.defaults().assign("host.driver=c:ns1")
            .assign("host.B.driver=java:ns1");

        assertEquals("c:ns1", DeviceParameters.driverSpec(settings, "A"));
        assertEquals("java:ns1", DeviceParameters.driverSpec(settings, "B"));
        assertEquals("java", DeviceParameters.driverSpec(TestbedParameters.defaults(), "C"), "the built-in default");
        assertEquals("java:ns1", settings.overrides().get("host.B.driver"), "kept under the host's own key");
        final ConfigException bad = assertThrows(ConfigException.class,
            () -> TestbedParameters.defaults().assign("host.C.driver=ns1"), "refused when set, before any run");
        assertTrue(bad.getMessage().startsWith("bad value 'ns1' for host.C.driver: it takes java, java:NAME"),
            bad.getMessage());
        assertThrows(ConfigException.class, () -> TestbedParameters.defaults().assign("host.driver=c:"));
        assertEquals("", TestbedParameters.defaults().assign("host.C.driver=").text("host.C.driver"),
            "empty: as host.driver");
        assertThrows(ConfigException.class, () -> TestbedParameters.defaults().assign("host.b.driver=java"),
            "host letters are upper case, as the hosts are named");
    }
}
