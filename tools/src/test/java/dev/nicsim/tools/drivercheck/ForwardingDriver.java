package dev.nicsim.tools.drivercheck;

import dev.nicsim.driver.BuiltInDriverProvider;
import dev.nicsim.driver.DeviceDriver;
import dev.nicsim.driver.DriverContext;
import dev.nicsim.stack.device.FrameReceiver;

import java.lang.foreign.MemorySegment;

/** The built-in driver behind a wrapper, so that a test driver can break one rule by overriding one method. */
class ForwardingDriver implements DeviceDriver
{
    final DriverContext context;
    final DeviceDriver delegate;

    ForwardingDriver(final DriverContext context)
    {
        this.context = context;
        this.delegate = new BuiltInDriverProvider().create(context);
    }

    @Override
    public void probe()
    {
        delegate.probe();
    }

    @Override
    public void shutdown()
    {
        delegate.shutdown();
    }

    @Override
    public boolean isUp()
    {
        return delegate.isUp();
    }

    @Override
    public void setRss(final byte[] key, final int[] table)
    {
        delegate.setRss(key, table);
    }

    @Override
    public boolean programsRss()
    {
        return delegate.programsRss();
    }

    @Override
    public void setItr(final int units)
    {
        delegate.setItr(units);
    }

    @Override
    public int itr()
    {
        return delegate.itr();
    }

    @Override
    public long rxInterrupts(final int queue)
    {
        return delegate.rxInterrupts(queue);
    }

    @Override
    public long txInterrupts(final int queue)
    {
        return delegate.txInterrupts(queue);
    }

    @Override
    public long otherInterrupts()
    {
        return delegate.otherInterrupts();
    }

    @Override
    public long readCounter(final int counter)
    {
        return delegate.readCounter(counter);
    }

    @Override
    public String name()
    {
        return delegate.name();
    }

    @Override
    public long macAddress()
    {
        return delegate.macAddress();
    }

    @Override
    public int mtu()
    {
        return delegate.mtu();
    }

    @Override
    public int features()
    {
        return delegate.features();
    }

    @Override
    public boolean linkUp()
    {
        return delegate.linkUp();
    }

    @Override
    public void setReceiver(final FrameReceiver receiver)
    {
        delegate.setReceiver(receiver);
    }

    @Override
    public int txReserve()
    {
        return delegate.txReserve();
    }

    @Override
    public MemorySegment txMemory()
    {
        return delegate.txMemory();
    }

    @Override
    public long txOffset(final int slot)
    {
        return delegate.txOffset(slot);
    }

    @Override
    public int txCapacity()
    {
        return delegate.txCapacity();
    }

    @Override
    public void txCommit(final int slot, final int length, final int checksumStart, final int checksumOffset)
    {
        delegate.txCommit(slot, length, checksumStart, checksumOffset);
    }

    @Override
    public void txFlush()
    {
        delegate.txFlush();
    }

    @Override
    public int txQueues()
    {
        return delegate.txQueues();
    }

    @Override
    public int rxQueues()
    {
        return delegate.rxQueues();
    }

    @Override
    public int txQueueFor(final int flowHash)
    {
        return delegate.txQueueFor(flowHash);
    }

    @Override
    public int txReserveOn(final int queue)
    {
        return delegate.txReserveOn(queue);
    }

    @Override
    public int tsoMaxBytes()
    {
        return delegate.tsoMaxBytes();
    }

    @Override
    public int txReserveTso(final int queue, final int length)
    {
        return delegate.txReserveTso(queue, length);
    }

    @Override
    public void txCommitTso(final int slot, final int length, final int headerLength, final int mss)
    {
        delegate.txCommitTso(slot, length, headerLength, mss);
    }
}
