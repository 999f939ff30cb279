package dev.nicsim.tools.drivercheck;

import dev.nicsim.driver.BuiltInDriverProvider;
import dev.nicsim.driver.DeviceDriver;
import dev.nicsim.driver.DriverContext;
import dev.nicsim.driver.DriverFault;
import dev.nicsim.hw.mem.DmaBuffer;
import dev.nicsim.hw.mem.HostMemory;
import dev.nicsim.hw.mem.Iommu;
import dev.nicsim.hw.pcie.PciConfigSpace;
import dev.nicsim.nic.regs.InterruptCauses;
import dev.nicsim.nic.regs.NicRegisters;
import dev.nicsim.stack.device.FrameReceiver;

import java.lang.foreign.MemorySegment;
import java.util.function.Function;

/** Java drivers that each break one rule of the kit: the built-in driver with one thing done wrong. */
final class BrokenJavaDrivers
{
    private BrokenJavaDrivers()
    {
    }

    /** The driver that breaks {@code check}'s rule. */
    static Function<DriverContext, DeviceDriver> breaking(final Check check)
    {
        return switch (check)
        {
            case PROBE_ORDER -> EnablesInterruptsBeforeReset::new;
            case RING_WRAP -> ReusesSlotZeroAfterWrap::new;
            case TX_BACKPRESSURE -> NeverSignalsTxSpace::new;
            case RX_STARVATION -> StopsPollingAfterFullBudget::new;
            case LINK_FLAP -> IgnoresLinkChanges::new;
            case MODERATION_CHANGE -> IgnoresItr::new;
            case SHUTDOWN_QUIESCE -> UnmapsBeforeQuiescing::new;
            case NO_LEAK -> LeaksABlock::new;
            case NO_MISUSE -> context -> new BuiltInDriverProvider().create(new DriverContext(context.name(),
                context.function(), context.root(), context.allocator(), context.cpu(),
                context.config().withFault(DriverFault.MISALIGNED_RING)));
            case QUEUES -> ForgetsTheRxQueue::new;
            case TSO -> CutsTsoHeadersShort::new;
            case RSS_CONTROL -> KeepsItsOwnRssTable::new;
        };
    }

    /** Takes the host's RSS key but keeps its own indirection table. */
    private static final class KeepsItsOwnRssTable extends ForwardingDriver
    {
        KeepsItsOwnRssTable(final DriverContext context)
        {
            super(context);
        }

        @Override
        public void setRss(final byte[] key, final int[] table)
        {
            super.setRss(key, null);
        }
    }

    /** Hands every frame to the stack without its RX queue, so the stack sees all of them on queue 0. */
    private static final class ForgetsTheRxQueue extends ForwardingDriver
    {
        ForgetsTheRxQueue(final DriverContext context)
        {
            super(context);
        }

        @Override
        public void setReceiver(final FrameReceiver receiver)
        {
            super.setReceiver(new ForwardingReceiver(receiver));
        }
    }

    /** Tells the device a TSO packet's headers are 4 bytes shorter than they are (HDRLEN in CSS). */
    private static final class CutsTsoHeadersShort extends ForwardingDriver
    {
        CutsTsoHeadersShort(final DriverContext context)
        {
            super(context);
        }

        @Override
        public void txCommitTso(final int slot, final int length, final int headerLength, final int mss)
        {
            super.txCommitTso(slot, length, headerLength - 4, mss);
        }
    }

    /** Writes IMS before resetting the device (§8.1 puts the reset first). */
    private static final class EnablesInterruptsBeforeReset extends ForwardingDriver
    {
        EnablesInterruptsBeforeReset(final DriverContext context)
        {
            super(context);
        }

        @Override
        public void probe()
        {
            context.function().configWrite16(PciConfigSpace.OFFSET_COMMAND, PciConfigSpace.COMMAND_MEMORY_SPACE);
            context.function().bar0().write32(NicRegisters.IMS, InterruptCauses.LSC);
            super.probe();
        }
    }

    /** After the ring's first wrap hands every slot slot 0's buffer: frames overwrite each other. */
    private static final class ReusesSlotZeroAfterWrap extends ForwardingDriver
    {
        private long reserved;

        ReusesSlotZeroAfterWrap(final DriverContext context)
        {
            super(context);
        }

        @Override
        public int txReserve()
        {
            final int slot = super.txReserve();
            reserved += slot >= 0 ? 1 : 0;
            return slot;
        }

        @Override
        public long txOffset(final int slot)
        {
            return super.txOffset(reserved > context.config().txRingSize() ? 0 : slot);
        }
    }

    /** Never tells the stack that a full ring has room again. */
    private static final class NeverSignalsTxSpace extends ForwardingDriver
    {
        NeverSignalsTxSpace(final DriverContext context)
        {
            super(context);
        }

        @Override
        public void setReceiver(final FrameReceiver receiver)
        {
            super.setReceiver(new ForwardingReceiver(receiver)
            {
                @Override
                public void txSpaceAvailable()
                {
                }
            });
        }
    }

    /**
     * Once a poll meets a backlog (half the ring in one batch), stops handing frames to the stack: a driver whose
     * NAPI state goes wrong under load.
     */
    private static final class StopsPollingAfterFullBudget extends ForwardingDriver
    {
        StopsPollingAfterFullBudget(final DriverContext context)
        {
            super(context);
        }

        @Override
        public void setReceiver(final FrameReceiver receiver)
        {
            final int backlog = context.config().rxRingSize() / 2;
            super.setReceiver(new ForwardingReceiver(receiver)
            {
                private int inBatch;
                private boolean stalled;

                @Override
                public void receiveFrame(final MemorySegment memory, final long offset, final int length,
                    final int rawChecksum)
                {
                    stalled |= ++inBatch >= backlog;
                    if (!stalled)
                    {
                        super.receiveFrame(memory, offset, length, rawChecksum);
                    }
                }

                @Override
                public void receiveBatchDone()
                {
                    inBatch = 0;
                    super.receiveBatchDone();
                }
            });
        }
    }

    /** Never follows the link: reports it up and tells the stack nothing. */
    private static final class IgnoresLinkChanges extends ForwardingDriver
    {
        IgnoresLinkChanges(final DriverContext context)
        {
            super(context);
        }

        @Override
        public boolean linkUp()
        {
            return true;
        }

        @Override
        public void setReceiver(final FrameReceiver receiver)
        {
            super.setReceiver(new ForwardingReceiver(receiver)
            {
                @Override
                public void linkChanged(final boolean up)
                {
                }
            });
        }
    }

    /** Remembers a new ITR but never writes it to the device. */
    private static final class IgnoresItr extends ForwardingDriver
    {
        private int units;

        IgnoresItr(final DriverContext context)
        {
            super(context);
        }

        @Override
        public void setItr(final int itr)
        {
            units = itr;
        }

        @Override
        public int itr()
        {
            return units;
        }
    }

    /** Unmaps all of its DMA memory first, and only then disables the device and waits for it. */
    private static final class UnmapsBeforeQuiescing extends ForwardingDriver
    {
        UnmapsBeforeQuiescing(final DriverContext context)
        {
            super(context);
        }

        @Override
        public void shutdown()
        {
            final Iommu iommu = context.root().iommu();
            final HostMemory memory = context.root().memory();
            for (long bus = memory.base(); bus < memory.base() + memory.size(); bus += 64)
            {
                if (iommu.check(bus, 1, false) == null)
                {
                    iommu.unmap(bus);
                }
            }
            super.shutdown();
        }
    }

    /** Allocates and maps a block at probe that it never gives back. */
    private static final class LeaksABlock extends ForwardingDriver
    {
        LeaksABlock(final DriverContext context)
        {
            super(context);
        }

        @Override
        public void probe()
        {
            final DmaBuffer statistics = context.allocator().allocate(4096, 64, name() + " statistics");
            context.root().iommu().map(statistics, Iommu.Access.READ_WRITE);
            super.probe();
        }
    }

    /**
     * Passes everything on to the stack; the test drivers override what they get wrong. A frame's RX queue is not
     * passed on (FrameReceiver's default): the queue check's broken driver is just this.
     */
    private static class ForwardingReceiver implements FrameReceiver
    {
        private final FrameReceiver receiver;

        ForwardingReceiver(final FrameReceiver receiver)
        {
            this.receiver = receiver;
        }

        @Override
        public void receiveFrame(final MemorySegment memory, final long offset, final int length,
            final int rawChecksum)
        {
            receiver.receiveFrame(memory, offset, length, rawChecksum);
        }

        @Override
        public void receiveBatchDone()
        {
            receiver.receiveBatchDone();
        }

        @Override
        public void txSpaceAvailable()
        {
            receiver.txSpaceAvailable();
        }

        @Override
        public void linkChanged(final boolean up)
        {
            receiver.linkChanged(up);
        }
    }
}
