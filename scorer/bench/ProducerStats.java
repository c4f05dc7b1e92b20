import javax.management.ObjectName;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Prints the prediction log producer's batching figures of a scorer started with a JMX port
 * (-Dcom.sun.management.jmxremote.port=PORT, no auth, no TLS): how many records share a batch and a
 * produce request, and how long a request takes. Usage: java scorer/bench/ProducerStats.java PORT
 */
public class ProducerStats {
  private static final String[] FIGURES = {
    "batch-size-avg", "records-per-request-avg", "request-latency-avg", "record-queue-time-avg",
    "request-rate", "record-send-rate", "record-size-avg", "compression-rate-avg", "io-ratio"
  };

  public static void main(String[] args) throws Exception {
    var url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + args[0] + "/jmxrmi");
    try (var connector = JMXConnectorFactory.connect(url)) {
      var server = connector.getMBeanServerConnection();
      var names = server.queryNames(new ObjectName("kafka.producer:type=producer-metrics,*"), null);
      for (ObjectName name : names) {
        StringBuilder line = new StringBuilder();
        for (String figure : FIGURES) {
          Object value = server.getAttribute(name, figure);
          line.append(figure).append('=');
          line.append(value instanceof Double d ? String.format("%.2f", d) : value).append(' ');
        }
        System.out.println(line.toString().strip());
      }
    }
  }
}
