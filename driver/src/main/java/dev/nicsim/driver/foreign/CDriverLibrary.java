package dev.nicsim.driver.foreign;

import dev.nicsim.driver.DriverException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A C driver's shared library, loaded once per path for the life of the JVM (a library cannot be unloaded safely
 * while code from it may still be on a stack), and its {@code nicsim_driver} table of operations
 * ({@code driver/src/main/c/nicsim_driver.h}).
 */
final class CDriverLibrary
{
    /** The newest ABI version this host speaks: NICSIM_DRIVER_ABI in the header. */
    static final int ABI = 3;
    /** The oldest it still loads (NICSIM_DRIVER_ABI_MIN): each version only appends to the tables. */
    static final int ABI_MIN = 1;
    static final String SYMBOL = "nicsim_driver";

    /** struct nicsim_driver_ops: abi, reserved, name, then the operations in the header's order. */
    static final StructLayout OPS = MemoryLayout.structLayout(JAVA_INT.withName("abi"),
        JAVA_INT.withName("reserved"), ADDRESS.withName("name"), ADDRESS.withName("probe"),
        ADDRESS.withName("open"), ADDRESS.withName("stop"), ADDRESS.withName("remove"),
        ADDRESS.withName("tx_reserve"), ADDRESS.withName("tx_buffer"), ADDRESS.withName("tx_commit"),
        ADDRESS.withName("tx_flush"), ADDRESS.withName("poll"), ADDRESS.withName("interrupt"),
        ADDRESS.withName("timer"), ADDRESS.withName("set_itr"), ADDRESS.withName("read_counter"),
        ADDRESS.withName("tx_reserve_queue"), ADDRESS.withName("tx_reserve_tso"), ADDRESS.withName("tx_commit_tso"),
        ADDRESS.withName("poll_queue"), ADDRESS.withName("set_rss"));

    private static final Map<Path, CDriverLibrary> LOADED = new ConcurrentHashMap<>();

    final Path path;
    final String name;
    /** The driver's ABI version, ABI_MIN to ABI. */
    final int abi;
    final MemorySegment probe;
    final MemorySegment open;
    final MemorySegment stop;
    final MemorySegment remove;
    final MemorySegment txReserve;
    final MemorySegment txBuffer;
    final MemorySegment txCommit;
    final MemorySegment txFlush;
    final MemorySegment poll;
    final MemorySegment interrupt;
    final MemorySegment timer;
    final MemorySegment setItr;
    final MemorySegment readCounter;
    /* ABI 2, each NULL when the driver lacks it (or is of ABI 1): one queue pair only, no TSO. */
    final MemorySegment txReserveQueue;
    final MemorySegment txReserveTso;
    final MemorySegment txCommitTso;
    final MemorySegment pollQueue;
    /* ABI 3, NULL when the driver lacks it (or is older): it programs only its own RSS key and table. */
    final MemorySegment setRss;

    private CDriverLibrary(final Path path, final MemorySegment ops)
    {
        this.path = path;
        this.abi = ops.get(JAVA_INT, offset("abi"));
        if (abi < ABI_MIN || abi > ABI)
        {
            throw new DriverException(path + ": the driver was built for nicsim driver ABI " + abi + ", this host " +
                "speaks " + ABI_MIN + " to " + ABI + "; rebuild it against this nicsim's nicsim_driver.h");
        }
        final MemorySegment namePointer = ops.get(ADDRESS, offset("name"));
        this.name = namePointer.equals(MemorySegment.NULL) ? path.getFileName().toString() :
            namePointer.reinterpret(256).getString(0);
        this.probe = operation(ops, "probe");
        this.open = operation(ops, "open");
        this.stop = operation(ops, "stop");
        this.remove = operation(ops, "remove");
        this.txReserve = operation(ops, "tx_reserve");
        this.txBuffer = operation(ops, "tx_buffer");
        this.txCommit = operation(ops, "tx_commit");
        this.txFlush = operation(ops, "tx_flush");
        this.poll = operation(ops, "poll");
        this.interrupt = operation(ops, "interrupt");
        this.timer = ops.get(ADDRESS, offset("timer"));
        this.setItr = operation(ops, "set_itr");
        this.readCounter = operation(ops, "read_counter");
        this.txReserveQueue = optional(ops, "tx_reserve_queue", 2);
        this.txReserveTso = optional(ops, "tx_reserve_tso", 2);
        this.txCommitTso = optional(ops, "tx_commit_tso", 2);
        this.pollQueue = optional(ops, "poll_queue", 2);
        this.setRss = optional(ops, "set_rss", 3);
    }

    /** An operation added in ABI {@code since}: read only from a driver of that version on (an older table ends
     * before it). */
    private MemorySegment optional(final MemorySegment ops, final String field, final int since)
    {
        return abi >= since ? ops.get(ADDRESS, offset(field)) : MemorySegment.NULL;
    }

    /**
     * The library at {@code path}, loaded on first use.
     *
     * @throws DriverException if the file does not exist, is not a loadable library, lacks {@code nicsim_driver}, or
     *                         was built for another ABI version or without a required operation
     */
    static CDriverLibrary load(final Path path)
    {
        final Path absolute = path.toAbsolutePath().normalize();
        return LOADED.computeIfAbsent(absolute, CDriverLibrary::open);
    }

    private static CDriverLibrary open(final Path path)
    {
        if (!Files.isRegularFile(path))
        {
            throw new DriverException("C driver library " + path + " does not exist; build it (the reference driver: " +
                "mvn -pl driver compile) or give the path of your driver's .so");
        }
        final SymbolLookup lookup;
        try
        {
            lookup = SymbolLookup.libraryLookup(path, Arena.global());
        }
        catch (final IllegalArgumentException e)
        {
            throw new DriverException("cannot load C driver library " + path + ": " + e.getMessage());
        }
        final MemorySegment ops = lookup.find(SYMBOL).orElseThrow(() -> new DriverException("C driver library " +
            path + " does not export '" + SYMBOL + "' (a const struct nicsim_driver_ops; see nicsim_driver.h)"));
        return new CDriverLibrary(path, ops.reinterpret(OPS.byteSize()));
    }

    private MemorySegment operation(final MemorySegment ops, final String field)
    {
        final MemorySegment pointer = ops.get(ADDRESS, offset(field));
        if (pointer.equals(MemorySegment.NULL))
        {
            throw new DriverException(path + ": nicsim_driver." + field + " is NULL; every operation but timer is " +
                "required");
        }
        return pointer;
    }

    private static long offset(final String field)
    {
        return OPS.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }
}
