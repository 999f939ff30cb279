package dev.nicsim.tools.testbed;

import dev.nicsim.driver.DeviceDriver;
import dev.nicsim.tools.config.DeviceParameters;
import dev.nicsim.tools.config.PlatformParameters;
import dev.nicsim.tools.config.Settings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a testbed runs otherwise than its settings asked, because a driver set up less than asked (an ABI 1 C driver
 * has one queue pair and no TSO; a device with fewer queues caps the driver) or because cores have no queue to
 * serve. Read from what each driver reports after probe, so that no setting is dropped without a word: perf prints
 * these lines and keeps them in perf.json.
 */
public final class SetupNotices
{
    private SetupNotices()
    {
    }

    /** One line per difference, naming the hosts it applies to ("A, B: ..."), in the order the hosts were built. */
    public static List<String> of(final Network network, final Settings settings)
    {
        // Hosts built alike differ alike: one line per message, not one per host.
        final Map<String, List<String>> hostsByMessage = new LinkedHashMap<>();
        for (final Host host : network.hosts())
        {
            for (final String message : hostNotices(host, settings))
            {
                hostsByMessage.computeIfAbsent(message, m -> new ArrayList<>()).add(host.name());
            }
        }
        final List<String> notices = new ArrayList<>();
        hostsByMessage.forEach((message, hosts) -> notices.add(String.join(", ", hosts) + ": " + message));
        return notices;
    }

    private static List<String> hostNotices(final Host host, final Settings settings)
    {
        final DeviceDriver driver = host.driver();
        final String driverSpec = DeviceParameters.HOST_DRIVER + "=" +
            DeviceParameters.driverSpec(settings, host.name());
        final List<String> messages = new ArrayList<>();
        final long queuesAsked = settings.integer(DeviceParameters.DRIVER_QUEUES);
        final int queuesInUse = driver.rxQueues();
        if (queuesInUse < queuesAsked)
        {
            messages.add(DeviceParameters.DRIVER_QUEUES + "=" + queuesAsked + " but the driver (" + driverSpec +
                ", " + DeviceParameters.NIC_QUEUES + "=" + settings.integer(DeviceParameters.NIC_QUEUES) +
                ") set up " + queuesInUse + " queue pair" + (queuesInUse == 1 ? "" : "s"));
        }
        if (settings.bool(DeviceParameters.NIC_TSO) && driver.tsoMaxBytes() == 0)
        {
            messages.add(DeviceParameters.NIC_TSO + "=true but the driver (" + driverSpec +
                ") does not use TSO: TCP hands it frames of one MSS");
        }
        final int cores = host.cpu().cores();
        if (cores > queuesInUse)
        {
            // Interrupts reach core q mod cores, so cores past the last queue only run application threads.
            messages.add(PlatformParameters.HOST_CORES + "=" + cores + " with " + queuesInUse + " queue pair" +
                (queuesInUse == 1 ? "" : "s") + " in use: " + coreRange(queuesInUse, cores - 1) +
                " take no interrupts or softirq work, only application threads (raise " +
                DeviceParameters.DRIVER_QUEUES + " and " + DeviceParameters.NIC_QUEUES + ")");
        }
        return messages;
    }

    private static String coreRange(final int first, final int last)
    {
        return first == last ? "core " + first : "cores " + first + "-" + last;
    }
}
