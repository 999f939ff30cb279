package dev.nicsim.hw.pcie.device;

import dev.nicsim.hw.mem.DmaBuffer;
import dev.nicsim.hw.mem.DmaFault;
import dev.nicsim.hw.mem.Iommu;
import dev.nicsim.hw.pcie.Mmio;
import dev.nicsim.hw.pcie.PcieConfig;
import dev.nicsim.hw.pcie.RegisterSpace;
import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Time;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DmaEngineTest
{
    private final PcieConfig pcie = PcieConfig.defaults();
    private final Platform platform = new Platform(pcie).enableBusMaster();
    private final DmaEngine dma = platform.slot.dma();
    private final MemorySegment local = Arena.ofAuto().allocate(8192);
    private final List<long[]> completions = new ArrayList<>();
    private final DmaClient recorder = (tag, status) -> completions.add(new long[] {tag, status, platform.sim.now()});
    /* A read request TLP, the completer streaming 512 bytes, and a 512-byte request's two 256-byte completions. */
    private final long requestTlp = pcie.serializationPs(PcieConfig.REQUEST_OVERHEAD_BYTES);
    private final long stream512 = 512 * pcie.completerPsPerByte();
    private final long completions512 = pcie.serializationPs(512 + 2 * PcieConfig.COMPLETION_OVERHEAD_BYTES);

    private DmaBuffer mapped(final int size, final Iommu.Access access)
    {
        final DmaBuffer buffer = platform.allocator.allocate(size, 64, "test");
        platform.iommu.map(buffer, access);
        return buffer;
    }

    /** A device BAR of {@code size} bytes that reads as zero and ignores writes. */
    private static RegisterSpace inertRegisters(final long size)
    {
        return new RegisterSpace()
        {
            @Override
            public long size()
            {
                return size;
            }

            @Override
            public int read32(final long offset)
            {
                return 0;
            }

            @Override
            public void write32(final long offset, final int value)
            {
            }
        };
    }

    /** Fills {@code buffer} with random bytes from {@code seed} and returns them. */
    private static byte[] randomContent(final DmaBuffer buffer, final int size, final long seed)
    {
        final byte[] pattern = new byte[size];
        new SplittableRandom(seed).nextBytes(pattern);
        MemorySegment.copy(pattern, 0, buffer.memory(), ValueLayout.JAVA_BYTE, buffer.offset(), size);
        return pattern;
    }

    @Test
    void shouldCompleteA64ByteReadExactlyAtItsModeledLatency()
    {
        final DmaBuffer buffer = mapped(64, Iommu.Access.READ_ONLY);
        buffer.memory().set(ValueLayout.JAVA_LONG_UNALIGNED, buffer.offset(), 0x1122334455667788L);

        dma.read(buffer.busAddress(), 64, local, 0, recorder, 7);
        platform.sim.run(Time.ms(1));

        final long requestTlp = pcie.serializationPs(PcieConfig.REQUEST_OVERHEAD_BYTES);
        final long completerStreaming = 64 * pcie.completerPsPerByte();
        final long rootComplexLatency = pcie.readLatencyPs();
        final long completionTlp = pcie.serializationPs(64 + PcieConfig.COMPLETION_OVERHEAD_BYTES);
        final long expected = requestTlp + completerStreaming + rootComplexLatency + completionTlp;
        assertEquals(545_972, expected, "the defaults reproduce pcie-bench's 546 ns for a 64-byte read");
        assertEquals(expected, completions.get(0)[2]);
        assertEquals(7, completions.get(0)[0]);
        assertEquals(DmaEngine.OK, completions.get(0)[1]);
        assertEquals(0x1122334455667788L, local.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
    }

    @Test
    void shouldQueueReadsBeyondTheOutstandingCapUntilATagFrees()
    {
        final Platform capped = new Platform(pcie.withMaxOutstandingReads(1)).enableBusMaster();
        final DmaBuffer buffer = capped.allocator.allocate(128, 64, "test");
        capped.iommu.map(buffer, Iommu.Access.READ_ONLY);
        final List<Long> done = new ArrayList<>();

        capped.slot.dma().read(buffer.busAddress(), 64, local, 0, (tag, status) -> done.add(capped.sim.now()), 1);
        capped.slot.dma().read(buffer.busAddress() + 64, 64, local, 64, (tag, status) -> done.add(capped.sim.now()), 2);
        assertEquals(1, capped.slot.dma().tagsInUse());
        capped.sim.run(Time.ms(1));

        final long oneRead = 545_972;
        assertEquals(List.of(oneRead, 2 * oneRead), done, "the second read starts only when the first one's tag frees");
    }

    @Test
    void shouldOverlapReadsWithinTheCapLimitedOnlyByTheCompleter()
    {
        final DmaBuffer buffer = mapped(128, Iommu.Access.READ_ONLY);

        dma.read(buffer.busAddress(), 64, local, 0, recorder, 1);
        dma.read(buffer.busAddress() + 64, 64, local, 64, recorder, 2);
        platform.sim.run(Time.ms(1));

        assertEquals(545_972, completions.get(0)[2]);
        assertEquals(545_972 + 64 * pcie.completerPsPerByte(), completions.get(1)[2],
            "the second request waits only for the root complex to stream the first one's data");
        assertEquals(128 * pcie.completerPsPerByte(), dma.completerBusyPs(),
            "the completer was busy streaming both requests' bytes, one after the other");
    }

    @Test
    void shouldSplitLongReadsAtTheMaxReadRequestSize()
    {
        final DmaBuffer buffer = mapped(1024, Iommu.Access.READ_ONLY);
        final byte[] pattern = randomContent(buffer, 1024, 1);

        dma.read(buffer.busAddress(), 1024, local, 0, recorder, 3);
        platform.sim.run(Time.ms(1));

        // Two 512-byte requests, sent back to back; the root complex streams them one after the other; each comes
        // back as two 256-byte completions.
        final long secondDataReady = requestTlp + stream512 + stream512 + pcie.readLatencyPs();
        assertEquals(secondDataReady + completions512, completions.get(0)[2]);
        assertEquals(1, completions.size(), "one completion for the whole read");
        assertArrayEquals(pattern, local.asSlice(0, 1024).toArray(ValueLayout.JAVA_BYTE));
    }

    @Test
    void shouldSpendTwoEventsOnALongReadWhateverItsRequestCount()
    {
        final DmaBuffer buffer = mapped(4096, Iommu.Access.READ_ONLY);
        final byte[] pattern = randomContent(buffer, 4096, 2);

        dma.read(buffer.busAddress(), 4096, local, 0, recorder, 4);
        platform.sim.run(Time.ms(1));

        // Eight 512-byte requests: the root complex streams them one after the other; the completions of each cross
        // the link faster than the next one's data is streamed, so the read ends with the last request's completions.
        assertEquals(requestTlp + 8 * stream512 + pcie.readLatencyPs() + completions512, completions.get(0)[2]);
        assertEquals(2, platform.sim.firedCount(), "the last request at the root complex and its completions");
        assertEquals(0, dma.tagsInUse());
        assertArrayEquals(pattern, local.asSlice(0, 4096).toArray(ValueLayout.JAVA_BYTE));
    }

    @Test
    void shouldIssueAWaitingRequestWhenADeferredRequestsTagFrees()
    {
        final Platform capped = new Platform(pcie.withMaxOutstandingReads(2)).enableBusMaster();
        final DmaBuffer buffer = capped.allocator.allocate(2048, 64, "test");
        capped.iommu.map(buffer, Iommu.Access.READ_ONLY);
        final List<Long> done = new ArrayList<>();

        capped.slot.dma().read(buffer.busAddress(), 2048, local, 0, (tag, status) -> done.add(capped.sim.now()), 1);
        assertEquals(2, capped.slot.dma().tagsInUse());
        capped.sim.run(Time.ms(1));

        // Requests 3 and 4 wait for the tags of requests 1 and 2 (both deferred) and go out as their completions land.
        final long firstLands = requestTlp + stream512 + pcie.readLatencyPs() + completions512;
        assertEquals(List.of(firstLands + requestTlp + 2 * stream512 + pcie.readLatencyPs() + completions512), done);
        assertEquals(0, capped.slot.dma().tagsInUse());
    }

    @Test
    void shouldSendDeferredCompletionsAheadOfAnMmioWriteDueAfterThem()
    {
        final DmaBuffer buffer = mapped(1024, Iommu.Access.READ_ONLY);
        final Mmio bar = platform.slot.plug(inertRegisters(4096)).bar0();
        final long secondAtRoot = requestTlp + 2 * stream512 + pcie.readLatencyPs();
        // An MMIO write enters the downstream direction 1 ns before the second request's completions would: after the
        // first (deferred) request's completions have crossed, so it delays only the second one's.
        final long mmioSent = secondAtRoot - 1_000;
        platform.sim.schedule(new Event("cpu", Component.HOST_CPU, () -> bar.write32(0, 1)),
            mmioSent - pcie.mmioWriteIssuePs());

        dma.read(buffer.busAddress(), 1024, local, 0, recorder, 5);
        platform.sim.run(Time.ms(1));

        final long mmioTlp = pcie.serializationPs(PcieConfig.REQUEST_OVERHEAD_BYTES + 4);
        assertEquals(mmioSent + mmioTlp + completions512, completions.get(0)[2]);
        assertEquals(2 * completions512 + mmioTlp, platform.slot.link().downstream().busyPs());
    }

    @Test
    void shouldLandPostedWritesInMemoryAfterThePostedWriteLatency()
    {
        final DmaBuffer buffer = mapped(64, Iommu.Access.READ_WRITE);
        local.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 42L);

        dma.write(buffer.busAddress(), 8, local, 0, recorder, 9);
        local.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, -1L);
        final long sent = pcie.serializationPs(PcieConfig.REQUEST_OVERHEAD_BYTES + 8);
        platform.sim.run(sent + pcie.postedWriteLatencyPs() - 1);
        assertEquals(0L, buffer.memory().get(ValueLayout.JAVA_LONG_UNALIGNED, buffer.offset()), "not visible yet");
        assertEquals(sent, completions.get(0)[2], "the device hears of the write when it has left");
        platform.sim.run(sent + pcie.postedWriteLatencyPs());
        assertEquals(42L, buffer.memory().get(ValueLayout.JAVA_LONG_UNALIGNED, buffer.offset()),
            "the data taken at issue time lands, whatever the device's buffer holds now");
    }

    @Test
    void shouldCountAWriteWithoutClientInFlightUntilItHasLeft()
    {
        final DmaBuffer buffer = mapped(64, Iommu.Access.READ_WRITE);

        dma.write(buffer.busAddress(), 8, local, 0, null, 0);
        final long sent = pcie.serializationPs(PcieConfig.REQUEST_OVERHEAD_BYTES + 8);
        platform.sim.run(sent - 1);
        assertEquals(1, dma.inFlight());
        platform.sim.run(sent);
        assertEquals(0, dma.inFlight());
    }

    @Test
    void shouldFaultOnUnmappedMemoryAndChangeNoByte()
    {
        final DmaBuffer unmapped = platform.allocator.allocate(256, 64, "never-mapped");
        final DmaBuffer readOnly = mapped(256, Iommu.Access.READ_ONLY);
        final MemorySegment host = platform.memory.segment();
        final byte[] noise = new byte[(int) host.byteSize()];
        new SplittableRandom(7).nextBytes(noise);
        MemorySegment.copy(noise, 0, host, ValueLayout.JAVA_BYTE, 0, noise.length);
        final List<DmaFault> faults = new ArrayList<>();
        dma.setFaultListener(faults::add);
        local.fill((byte) 0x5A);

        dma.write(unmapped.busAddress(), 128, local, 0, recorder, 1);
        dma.write(readOnly.busAddress(), 64, local, 0, recorder, 2);
        dma.write(readOnly.busAddress() + 128, 256, local, 0, recorder, 3);
        dma.read(unmapped.busAddress(), 64, local, 0, recorder, 4);
        platform.sim.run(Time.ms(1));

        assertArrayEquals(noise, host.toArray(ValueLayout.JAVA_BYTE), "no byte of host memory changed");
        assertEquals(0x5A, local.get(ValueLayout.JAVA_BYTE, 0), "a refused read delivers nothing");
        assertEquals(4, faults.size());
        assertEquals(4, completions.size());
        completions.forEach(c -> assertEquals(DmaEngine.FAULT, c[1]));
        final DmaFault first = faults.get(0);
        assertEquals("dev0: DMA write of 128 bytes at bus address 0x" + Long.toHexString(unmapped.busAddress()) +
            " refused at 0 ps: no IOMMU mapping covers [0x" + Long.toHexString(unmapped.busAddress()) + ", +128)",
            first.message());
        assertTrue(faults.get(1).reason().contains("read-only"));
        assertTrue(faults.get(2).reason().startsWith("no IOMMU mapping"), "a write running past its mapping");
    }

    @Test
    void shouldRefuseDmaWithBusMasteringOffOrAimedAtADeviceBar()
    {
        final Platform off = new Platform(pcie);
        final DmaBuffer buffer = off.allocator.allocate(64, 64, "b");
        off.iommu.map(buffer, Iommu.Access.READ_WRITE);
        final List<DmaFault> faults = new ArrayList<>();
        off.slot.dma().setFaultListener(faults::add);
        off.slot.dma().read(buffer.busAddress(), 64, local, 0, (t, s) -> { }, 0);
        assertTrue(faults.get(0).reason().contains("bus mastering is disabled"), faults.get(0).reason());

        off.enableBusMaster();
        off.slot.plug(inertRegisters(65536));
        off.slot.dma().write(off.slot.barAddress() + 0x3818, 4, local, 0, null, 0);
        assertTrue(faults.get(1).reason().contains("inside a BAR of dev0"), faults.get(1).reason());
    }
}
