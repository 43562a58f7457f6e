package dev.ferry.control;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The {@code info} of a request, as seed 003's Node process reported it from its {@code os} module: the host
 * name always; on startup also the OS type, platform, release, total memory and network interfaces.
 */
final class HostInfo {
    private HostInfo() {
    }

    /** The host name: the HOSTNAME/COMPUTERNAME variable, else the local host's name. */
    static String hostname() {
        for (String var : new String[] {"HOSTNAME", "COMPUTERNAME"}) {
            String v = System.getenv(var);
            if (v != null && !v.isBlank()) {
                return v.strip();
            }
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }

    static ObjectNode brief(String hostname) {
        return JsonNodeFactory.instance.objectNode().put("hostname", hostname);
    }

    static ObjectNode full(String hostname) {
        ObjectNode info = brief(hostname);
        String os = System.getProperty("os.name", "");
        info.put("hosttype", os.startsWith("Windows") ? "Windows_NT" : os.equals("Mac OS X") ? "Darwin" : os);
        info.put("platform", platform(os));
        info.put("release", System.getProperty("os.version", ""));
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean bean) {
            info.put("totalmem", bean.getTotalMemorySize());
        }
        info.set("network", network());
        return info;
    }

    /** Node's os.platform(): linux, darwin, win32, or the OS name in lower case. */
    static String platform(String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        return os.startsWith("windows") ? "win32" : os.startsWith("mac") ? "darwin" : os.replace(' ', '_');
    }

    private static ObjectNode network() {
        ObjectNode network = JsonNodeFactory.instance.objectNode();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp()) {
                    continue;
                }
                ArrayNode addresses = network.putArray(nif.getName());
                byte[] mac = nif.getHardwareAddress();
                for (InterfaceAddress a : nif.getInterfaceAddresses()) {
                    ObjectNode entry = addresses.addObject();
                    String address = a.getAddress().getHostAddress();
                    int zone = address.indexOf('%');
                    entry.put("address", zone > 0 ? address.substring(0, zone) : address);
                    entry.put("family", a.getAddress() instanceof java.net.Inet6Address ? "IPv6" : "IPv4");
                    entry.put("mac", mac == null ? "00:00:00:00:00:00" : HexFormat.ofDelimiter(":").formatHex(mac));
                    entry.put("internal", nif.isLoopback());
                    entry.put("prefixLength", a.getNetworkPrefixLength());
                }
            }
        } catch (SocketException e) {
            network.put("error", "interfaces could not be listed");
        }
        return network;
    }
}
