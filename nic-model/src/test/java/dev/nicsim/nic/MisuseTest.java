package dev.nicsim.nic;

import dev.nicsim.hw.eth.EthernetConfig;
import dev.nicsim.hw.eth.EthernetLink;
import dev.nicsim.hw.mem.DmaBuffer;
import dev.nicsim.hw.pcie.PciConfigSpace;
import dev.nicsim.hw.pcie.PcieConfig;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.nic.regs.Counters;
import dev.nicsim.nic.regs.InterruptCauses;
import dev.nicsim.nic.regs.NicErrors;
import dev.nicsim.nic.regs.NicRegisters;
import dev.nicsim.nic.regs.QueueRegisters;
import dev.nicsim.nic.regs.RxDescriptor;
import dev.nicsim.nic.regs.TxDescriptor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every misuse the datasheet lists (§9), done to a device in strict mode (caught, with a message naming what was
 * touched, the value, the rule and the time) and in silicon mode (no exception; the error is captured in ERRCODE,
 * counted and signalled with DERR, and the device carries on as hardware would).
 */
class MisuseTest
{
    /** A host whose NIC has an 8-descriptor TX ring and RX ring programmed but not enabled, and a link to inject on. */
    static final class Bench
    {
        final Simulator sim = new Simulator();
        final EthernetLink link = new EthernetLink(sim, EthernetConfig.tenGigabit(), "link");
        final TestHost host;
        final DmaBuffer txRing;
        final DmaBuffer rxRing;
        final DmaBuffer buffers;
        final MemorySegment memory;

        Bench(final MisuseMode mode, final boolean busMaster)
        {
            host = new TestHost(sim, "nic0", PcieConfig.defaults(), link.a(),
                NicConfig.builder().misuseMode(mode).build());
            if (busMaster)
            {
                host.nic.function().enableBusMaster();
            }
            else
            {
                host.nic.function().configWrite16(PciConfigSpace.OFFSET_COMMAND, PciConfigSpace.COMMAND_MEMORY_SPACE);
            }
            memory = host.memory.segment();
            txRing = host.mapped(128, 128, "tx ring");
            rxRing = host.mapped(128, 128, "rx ring");
            buffers = host.mapped(8 * 2048, 64, "buffers");
            for (int i = 0; i < 8; i++)
            {
                RxDescriptor.write(memory, rxRing.offset() + 16L * i, buffers.busAddress(2048L * i));
            }
        }

        void write(final int offset, final int value)
        {
            host.write(offset, value);
        }

        /** Enables TX queue 0 and sends one descriptor with the given fields. */
        void send(final long bufferAddress, final int length, final int cmd, final int cso, final int css)
        {
            TxDescriptor.write(memory, txRing.offset(), bufferAddress, length, cmd, cso, css);
            host.txRing(0, txRing);
            write(NicRegisters.TCTL, NicRegisters.TCTL_EN | NicRegisters.TCTL_PSP);
            write(QueueRegisters.tx(0, QueueRegisters.TAIL), 1);
            run();
        }

        /** Enables RX queue 0 with buffers of {@code rctlSize} and puts a frame of {@code length} bytes on the wire. */
        void receive(final int rctlSize, final int length)
        {
            host.rxRing(0, rxRing);
            write(QueueRegisters.rx(0, QueueRegisters.TAIL), 7);
            write(NicRegisters.RCTL, NicRegisters.RCTL_EN | NicRegisters.RCTL_UPE | rctlSize);
            host.settle();
            WireFrames.send(link.b(), 0x02_00_00_00_00_42L, length, true);
            run();
        }

        void run()
        {
            sim.run(sim.now() + Time.us(20));
        }
    }

    /** One misuse: what it is, the datasheet error, words its strict message must contain, and how to commit it. */
    record Misuse(String name, int error, List<String> mentions, boolean busMaster, Consumer<Bench> act)
    {
        @Override
        public String toString()
        {
            return name;
        }
    }

    static List<Misuse> misuses()
    {
        final int eop = TxDescriptor.CMD_EOP | TxDescriptor.CMD_IFCS | TxDescriptor.CMD_RS;
        return List.of(
            new Misuse("ring base misaligned", NicErrors.RING_BASE_MISALIGNED, List.of("TDBAL(0)", "0x40"), true,
                b -> b.write(QueueRegisters.tx(0, QueueRegisters.BAL), 0x40)),
            new Misuse("ring length not a multiple of 128", NicErrors.RING_LENGTH_INVALID, List.of("RDLEN(0)", "0x64"),
                true, b -> b.write(QueueRegisters.rx(0, QueueRegisters.LEN), 100)),
            new Misuse("ring changed while enabled", NicErrors.RING_CHANGED_WHILE_ENABLED, List.of("TDLEN(0)"), true,
                b ->
                {
                    b.host.txRing(0, b.txRing);
                    b.write(QueueRegisters.tx(0, QueueRegisters.LEN), 256);
                }),
            new Misuse("tail beyond the ring", NicErrors.TAIL_BEYOND_RING, List.of("TDT(0)", "0x8", "0 to 7"), true,
                b ->
                {
                    b.host.txRing(0, b.txRing);
                    b.write(QueueRegisters.tx(0, QueueRegisters.TAIL), 8);
                }),
            new Misuse("queue enabled before base and length", NicErrors.QUEUE_NOT_PROGRAMMED, List.of("RXDCTL(0)"),
                true, b -> b.write(QueueRegisters.rx(0, QueueRegisters.DCTL), QueueRegisters.DCTL_ENABLE)),
            new Misuse("descriptor pointing at unmapped memory", NicErrors.DMA_UNMAPPED,
                List.of("TX queue 0 buffer read at descriptor 0", "no IOMMU mapping"), true,
                b -> b.send(b.host.allocator.allocate(2048, 64, "unmapped").busAddress(), 60, eop, 0, 0)),
            new Misuse("buffer too small for the frame", NicErrors.RX_BUFFER_TOO_SMALL,
                List.of("RX queue 0 descriptor 0", "RCTL.BSIZE", "1000-byte frame"), true,
                b -> b.receive(NicRegisters.RCTL_BSIZE_256, 1000)),
            new Misuse("write to a read-only register", NicErrors.REG_READ_ONLY, List.of("STATUS", "0x1"), true,
                b -> b.write(NicRegisters.STATUS, 1)),
            new Misuse("write to the head register", NicErrors.REG_READ_ONLY, List.of("TDH(0)"), true,
                b -> b.write(QueueRegisters.tx(0, QueueRegisters.HEAD), 0)),
            new Misuse("read of a write-only register", NicErrors.REG_WRITE_ONLY, List.of("ICS"), true,
                b -> b.host.read(NicRegisters.ICS)),
            new Misuse("read of an unknown offset", NicErrors.REG_UNKNOWN, List.of("0x4 "), true,
                b -> b.host.read(0x0004)),
            new Misuse("write to an unknown offset", NicErrors.REG_UNKNOWN, List.of("0x2830", "0x1"), true,
                b -> b.write(0x2830, 1)),
            new Misuse("DMA aimed at the device's own BAR", NicErrors.DMA_TO_BAR, List.of("inside a BAR of nic0"), true,
                b -> b.send(b.host.slot.barAddress(), 60, eop, 0, 0)),
            new Misuse("zero TX length", NicErrors.TX_LENGTH_ZERO, List.of("TX queue 0 descriptor 0", "length"), true,
                b -> b.send(b.buffers.busAddress(), 0, eop, 0, 0)),
            new Misuse("oversize TX length", NicErrors.TX_FRAME_OVERSIZE, List.of("length", "0x5ef", "at most 1518"),
                true, b -> b.send(b.buffers.busAddress(), 1519, eop, 0, 0)),
            new Misuse("extended descriptor", NicErrors.TX_DESCRIPTOR_UNSUPPORTED, List.of("CMD"), true,
                b -> b.send(b.buffers.busAddress(), 60, eop | TxDescriptor.CMD_DEXT, 0, 0)),
            new Misuse("checksum offsets outside the frame", NicErrors.TX_CHECKSUM_OFFSETS,
                List.of("CSS/CSO", "CSS 200"), true,
                b -> b.send(b.buffers.busAddress(), 60, eop | TxDescriptor.CMD_IC, 50, 200)),
            new Misuse("doorbell during reset", NicErrors.WRITE_DURING_RESET, List.of("TDT(0)", "reset ends"), true,
                b ->
                {
                    b.write(NicRegisters.CTRL, NicRegisters.CTRL_RST);
                    b.write(QueueRegisters.tx(0, QueueRegisters.TAIL), 0);
                    b.run();
                }),
            new Misuse("DMA with bus mastering off", NicErrors.DMA_BUS_MASTER_OFF,
                List.of("TX queue 0 descriptor fetch", "bus mastering is disabled"), false,
                b -> b.send(b.buffers.busAddress(), 60, eop, 0, 0)),
            new Misuse("unmasking an unprogrammed MSI-X vector", NicErrors.MSIX_UNPROGRAMMED,
                List.of("MSI-X vector 1", "MSIX[1].control"), true,
                b -> b.write(NicRegisters.msix(1, NicRegisters.MSIX_CONTROL), 0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("misuses")
    void shouldStopTheSimulationWithTheDatasheetsMessageInStrictMode(final Misuse misuse)
    {
        final Bench bench = new Bench(MisuseMode.STRICT, misuse.busMaster());

        final NicMisuseException stop = assertThrows(NicMisuseException.class, () ->
        {
            misuse.act().accept(bench);
            bench.run();
        });

        assertEquals(NicErrors.name(misuse.error()), stop.errorName(), stop.getMessage());
        final String message = stop.getMessage();
        assertTrue(message.startsWith("nic0: " + NicErrors.name(misuse.error()) + " at " + Time.format(stop.time()) +
            " (" + stop.time() + " ps): "), message);
        assertTrue(message.contains(NicErrors.rule(misuse.error())), message);
        for (final String mention : misuse.mentions())
        {
            assertTrue(message.contains(mention), "'" + mention + "' in: " + message);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("misuses")
    void shouldCaptureCountAndCarryOnInSiliconMode(final Misuse misuse)
    {
        final Bench bench = new Bench(MisuseMode.SILICON, misuse.busMaster());

        assertDoesNotThrow(() ->
        {
            misuse.act().accept(bench);
            bench.run();
        });

        final TestHost host = bench.host;
        host.sim.run(host.sim.now() + Time.us(5));
        final boolean dma = misuse.error() >= NicErrors.DMA_BUS_MASTER_OFF && misuse.error() <= NicErrors.DMA_UNMAPPED;
        assertEquals(1, host.nic.counter(dma ? Counters.DMAFAULTS : Counters.MISUSE), "the error is counted once");
        assertTrue((host.read(NicRegisters.ICR) & InterruptCauses.DERR) != 0, "cause DERR is set");
        assertEquals(misuse.error(), host.read(NicRegisters.ERRCODE) & NicRegisters.ERRCODE_CODE_MASK);
        assertEquals(0, host.read(NicRegisters.ERRCODE), "reading ERRCODE cleared it");
    }
}
