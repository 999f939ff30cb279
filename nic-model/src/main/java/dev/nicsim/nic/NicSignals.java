package dev.nicsim.nic;

import dev.nicsim.hw.trace.VcdWriter;

/**
 * The device's waveform: ring heads and tails, FIFO levels, MSI-X messages (one core cycle pulse per message), the
 * ICR and the MACs' busy states. Blocks set them only when a waveform is being recorded (one null check).
 */
final class NicSignals
{
    final VcdWriter.Signal[] txHead;
    final VcdWriter.Signal[] txTail;
    final VcdWriter.Signal[] rxHead;
    final VcdWriter.Signal[] rxTail;
    final VcdWriter.Signal[] irq;
    final VcdWriter.Signal txFifo;
    final VcdWriter.Signal rxFifo;
    final VcdWriter.Signal macTxBusy;
    final VcdWriter.Signal macRxBusy;
    final VcdWriter.Signal icr;

    NicSignals(final VcdWriter vcd, final String deviceName, final int txQueues, final int rxQueues, final int vectors)
    {
        final String scope = deviceName.replaceAll("[^A-Za-z0-9_.]", "_").replaceAll("^([^A-Za-z_])", "_$1");
        txHead = new VcdWriter.Signal[txQueues];
        txTail = new VcdWriter.Signal[txQueues];
        for (int q = 0; q < txQueues; q++)
        {
            txHead[q] = vcd.signal(scope + ".tx" + q, "head", 16);
            txTail[q] = vcd.signal(scope + ".tx" + q, "tail", 16);
        }
        rxHead = new VcdWriter.Signal[rxQueues];
        rxTail = new VcdWriter.Signal[rxQueues];
        for (int q = 0; q < rxQueues; q++)
        {
            rxHead[q] = vcd.signal(scope + ".rx" + q, "head", 16);
            rxTail[q] = vcd.signal(scope + ".rx" + q, "tail", 16);
        }
        irq = new VcdWriter.Signal[vectors];
        for (int v = 0; v < vectors; v++)
        {
            irq[v] = vcd.signal(scope + ".msix", "vector" + v, 1);
        }
        txFifo = vcd.signal(scope + ".fifo", "tx_level", 32);
        rxFifo = vcd.signal(scope + ".fifo", "rx_level", 32);
        macTxBusy = vcd.signal(scope + ".mac", "tx_busy", 1);
        macRxBusy = vcd.signal(scope + ".mac", "rx_busy", 1);
        icr = vcd.signal(scope, "icr", 32);
    }
}
