package io.streamprop.faults.rig;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The predictions a load loop got a 200 for, per instance: its id (the caller's or the scorer's),
 * the version the answer names and the prediction's JSON exactly as answered (the characters of
 * {@code predictions[i]} in the response body). {@link #check} holds them against the records of
 * the {@code predictions} topic: in the acknowledged mode every answered prediction must be there
 * exactly once, under its id, with the same version and the same prediction bytes; and no id may
 * appear twice in the log, answered or not (generated ids unique across restarts, caller ids used
 * once).
 */
public final class AnsweredPredictions {
  private static final JsonFactory JSON = new JsonFactory();

  /** One answered instance. */
  public record Answered(String id, long version, String prediction, boolean given) {}

  /** What {@link #check} found; every count but {@code unansweredLogged} must be zero. */
  public record LogCheck(
      long answered,
      long answeredWithCallerIds,
      long answeredWithGeneratedIds,
      long logRecords,
      long missing,
      long repeatedInLog,
      long differing,
      long repeatedAnswers,
      long unansweredLogged,
      List<String> problems) {}

  private final List<Answered> answered = new ArrayList<>();

  /**
   * Records the instances of one 200 answer, {@code text} as received; {@code givenIds} are the ids
   * the request carried, or null. An answer whose ids are not the given ones is a problem of the
   * answer, returned as a description (null when it is fine).
   */
  public synchronized String record(String text, String[] givenIds) {
    List<String> predictions = rawElements(text, "predictions");
    List<String> ids = rawElements(text, "ids");
    long version = Long.parseLong(rawField(text, "model_version"));
    if (ids.size() != predictions.size()) {
      return ids.size() + " ids for " + predictions.size() + " predictions: " + text;
    }
    String why = null;
    for (int i = 0; i < ids.size(); i++) {
      String id = unquote(ids.get(i));
      if (givenIds != null && !givenIds[i].equals(id)) {
        why = "id " + i + " answered as " + id + ", sent as " + givenIds[i];
      }
      answered.add(new Answered(id, version, predictions.get(i), givenIds != null));
    }
    return why;
  }

  public synchronized int size() {
    return answered.size();
  }

  /** Holds the answered predictions against {@code log}, the records of the predictions topic. */
  public synchronized LogCheck check(List<ConsumerRecord<byte[], byte[]>> log) {
    List<String> problems = new ArrayList<>();
    Map<String, List<String>> byId = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : log) {
      String id = new String(record.key(), StandardCharsets.UTF_8);
      byId.computeIfAbsent(id, k -> new ArrayList<>())
          .add(new String(record.value(), StandardCharsets.UTF_8));
    }
    long repeatedInLog = 0;
    for (Map.Entry<String, List<String>> e : byId.entrySet()) {
      if (e.getValue().size() > 1) {
        repeatedInLog++;
        problem(problems, "id " + e.getKey() + " is " + e.getValue().size() + " times in the log");
      }
    }
    long missing = 0;
    long differing = 0;
    long given = 0;
    long repeatedAnswers = 0;
    Set<String> seen = new HashSet<>();
    for (Answered a : answered) {
      given += a.given() ? 1 : 0;
      if (!seen.add(a.id())) {
        repeatedAnswers++;
        problem(problems, "id " + a.id() + " answered twice");
      }
      List<String> records = byId.get(a.id());
      if (records == null) {
        missing++;
        problem(problems, "answered id " + a.id() + " is not in the log");
        continue;
      }
      String value = records.get(0);
      String prediction = rawField(value, "prediction");
      long version = Long.parseLong(rawField(value, "version"));
      if (!prediction.equals(a.prediction()) || version != a.version()) {
        differing++;
        problem(
            problems,
            "id "
                + a.id()
                + " answered version "
                + a.version()
                + " "
                + a.prediction()
                + ", logged version "
                + version
                + " "
                + prediction);
      }
    }
    long unansweredLogged = 0;
    for (String id : byId.keySet()) {
      unansweredLogged += seen.contains(id) ? 0 : 1;
    }
    return new LogCheck(
        answered.size(),
        given,
        answered.size() - given,
        log.size(),
        missing,
        repeatedInLog,
        differing,
        repeatedAnswers,
        unansweredLogged,
        List.copyOf(problems));
  }

  /** The figures of {@code check} for a report, in order. */
  public static Map<String, Object> figures(LogCheck check) {
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("answered predictions (instances of 200 answers)", check.answered());
    figures.put("  of them with caller ids", check.answeredWithCallerIds());
    figures.put("  of them with generated ids", check.answeredWithGeneratedIds());
    figures.put("records on the predictions topic", check.logRecords());
    figures.put("answered predictions missing from the log", check.missing());
    figures.put("answered predictions logged with other bytes or version", check.differing());
    figures.put("ids more than once in the log", check.repeatedInLog());
    figures.put("ids answered more than once", check.repeatedAnswers());
    figures.put(
        "ids logged but not answered (requests cut by a kill after the write)",
        check.unansweredLogged());
    return figures;
  }

  private static void problem(List<String> problems, String what) {
    if (problems.size() < 10) {
      problems.add(what);
    }
  }

  /** The JSON text of top-level field {@code name} of object {@code json}, exactly as written. */
  static String rawField(String json, String name) {
    try (JsonParser p = JSON.createParser(json)) {
      expect(p.nextToken(), JsonToken.START_OBJECT, json);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        if (field.equals(name)) {
          return raw(json, p);
        }
        p.skipChildren();
      }
      throw new IllegalArgumentException("no field '" + name + "' in " + json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The JSON texts of the elements of top-level array field {@code name}, exactly as written. */
  static List<String> rawElements(String json, String name) {
    try (JsonParser p = JSON.createParser(json)) {
      expect(p.nextToken(), JsonToken.START_OBJECT, json);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals(name)) {
          expect(value, JsonToken.START_ARRAY, json);
          List<String> elements = new ArrayList<>();
          while (p.nextToken() != JsonToken.END_ARRAY) {
            elements.add(raw(json, p));
          }
          return elements;
        }
        p.skipChildren();
      }
      throw new IllegalArgumentException("no field '" + name + "' in " + json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The text of the value at the parser's current token, which it then stands at the end of. */
  private static String raw(String json, JsonParser p) throws IOException {
    int from = (int) p.currentTokenLocation().getCharOffset();
    if (p.currentToken().isStructStart()) {
      p.skipChildren();
      return json.substring(from, (int) p.currentTokenLocation().getCharOffset() + 1);
    }
    p.getText(); // finishes a string token, so the location is past its end
    return json.substring(from, (int) p.currentLocation().getCharOffset());
  }

  private static void expect(JsonToken got, JsonToken wanted, String json) {
    if (got != wanted) {
      throw new IllegalArgumentException("expected " + wanted + ", got " + got + " in " + json);
    }
  }

  private static String unquote(String jsonString) {
    try (JsonParser p = JSON.createParser(jsonString)) {
      p.nextToken();
      return p.getText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
