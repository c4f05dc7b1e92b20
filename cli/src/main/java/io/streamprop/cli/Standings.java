package io.streamprop.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamprop.learn.population.PopulationLearner;
import io.streamprop.learn.population.Standing;
import java.io.PrintWriter;
import java.util.Locale;

/** A population's standings at the end of a pass: one line per member, or JSON. */
final class Standings {
  private Standings() {}

  /**
   * A table: member, learning rate, hidden widths, recent loss, steps, born at; * marks the leader.
   */
  static void print(PrintWriter out, PopulationLearner population) {
    out.printf(
        Locale.ROOT,
        "population of %d: %d switches of the served member, %d members replaced, %d drift"
            + " alarms%n",
        population.size(),
        population.switches(),
        population.replacements(),
        population.alarms());
    out.printf(
        Locale.ROOT,
        "  %-8s %-10s %-12s %-7s %-13s %-9s %s%n",
        "member",
        "lr",
        "hidden",
        "input",
        "recent_loss",
        "steps",
        "born_at");
    for (Standing s : population.standings()) {
      out.printf(
          Locale.ROOT,
          "%s %-8d %-10.4g %-12s %-7s %-13.6g %-9d %d%n",
          s.leader() ? "*" : " ",
          s.member(),
          s.learningRate(),
          s.hidden().toString().replace(" ", ""),
          Specs.lower(s.inputTransform()),
          s.recentLoss(),
          s.steps(),
          s.bornAt());
    }
    out.println("  (* served: " + population.served().reason() + ")");
  }

  /**
   * {@code members: [{member, lr, hidden, input_transform, recent_loss, steps, born_at}], leader,
   * average_served, switches, replacements, drift_alarms}.
   */
  static void putJson(ObjectNode node, PopulationLearner population) {
    ArrayNode members = node.putArray("members");
    for (Standing s : population.standings()) {
      ObjectNode m = members.addObject();
      m.put("member", s.member());
      m.put("lr", s.learningRate());
      ArrayNode hidden = m.putArray("hidden");
      s.hidden().forEach(hidden::add);
      m.put("input_transform", Specs.lower(s.inputTransform()));
      m.put("recent_loss", s.recentLoss());
      m.put("steps", s.steps());
      m.put("born_at", s.bornAt());
    }
    node.put("leader", population.leader());
    node.put("average_served", population.averageServed());
    node.put("switches", population.switches());
    node.put("replacements", population.replacements());
    node.put("drift_alarms", population.alarms());
  }
}
