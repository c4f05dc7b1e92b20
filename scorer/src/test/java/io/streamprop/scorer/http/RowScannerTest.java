package io.streamprop.scorer.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.scorer.registry.ServedModel;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast path of the predict body parser ({@link RowScanner}) against the full Jackson parser:
 * every body it accepts yields bit-identical features, and every body it declines still gets
 * Jackson's answer, so the fast path changes no outcome.
 */
class RowScannerTest {
  private static final ServedModel IRIS = TestModels.iris(7); // 4 inputs

  /** One number in one of the forms clients write, some of them outside the fast cases. */
  private static String number(SplittableRandom random) {
    String sign = random.nextInt(3) == 0 ? "-" : "";
    return switch (random.nextInt(9)) {
      case 0 -> sign + random.nextInt(1000); // small integer, "-0" included
      case 1 -> sign + random.nextLong(Long.MAX_VALUE); // up to 19 digits
      case 2 -> sign + "0." + digits(random, 1 + random.nextInt(6)); // fast decimal
      case 3 -> sign + (1 + random.nextInt(999)) + "." + digits(random, 1 + random.nextInt(12));
      case 4 -> sign + digits1(random) + "e" + (random.nextInt(80) - 40);
      case 5 -> sign + digits1(random) + "." + digits(random, 3) + "E+" + random.nextInt(30);
      case 6 -> sign + "0.0000" + digits(random, 1 + random.nextInt(10));
      case 7 -> sign + Float.toString(Float.intBitsToFloat(random.nextInt())).replace("NaN", "1");
      default ->
          sign + Double.toString(random.nextDouble() * Math.pow(10, random.nextInt(20) - 10));
    };
  }

  private static String digits(SplittableRandom random, int count) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < count; i++) {
      out.append((char) ('0' + random.nextInt(10)));
    }
    return out.toString();
  }

  private static String digits1(SplittableRandom random) {
    return (1 + random.nextInt(9)) + digits(random, random.nextInt(8));
  }

  private static String body(SplittableRandom random, int rows, int inputs) {
    String[] spaces = {"", " ", "\n", "\t ", "\r\n"};
    StringBuilder out = new StringBuilder("{\"instances\":").append(spaces[random.nextInt(5)]);
    out.append('[');
    for (int r = 0; r < rows; r++) {
      out.append(r > 0 ? "," + spaces[random.nextInt(5)] : "").append('[');
      for (int c = 0; c < inputs; c++) {
        out.append(c > 0 ? ", " : "").append(number(random));
      }
      out.append(']');
    }
    return out.append("]}").append(spaces[random.nextInt(5)]).toString();
  }

  /** Both parsers' outcome as comparable text: the features' bits, or the status and message. */
  private static String outcome(Instances instances) {
    StringBuilder out = new StringBuilder("rows " + instances.rows() + ":");
    for (float value : instances.features()) {
      out.append(' ').append(Integer.toHexString(Float.floatToRawIntBits(value)));
    }
    return out.toString();
  }

  private static String fast(byte[] body) {
    try {
      return outcome(Instances.parse(body, IRIS));
    } catch (HttpError e) {
      return e.status() + " " + e.getMessage();
    }
  }

  private static String jackson(byte[] body) {
    try {
      return outcome(Instances.parseWithJackson(body, IRIS));
    } catch (HttpError e) {
      return e.status() + " " + e.getMessage();
    }
  }

  @Property(tries = 3000)
  void randomNumbers_fastPath_bitIdenticalToJackson(@ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] body = body(random, 1 + random.nextInt(4), 4).getBytes(StandardCharsets.UTF_8);
    assertThat(fast(body)).as(new String(body, StandardCharsets.UTF_8)).isEqualTo(jackson(body));
  }

  @Property(tries = 3000)
  void mutatedBodies_fastPath_sameOutcomeAsJackson(@ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] body = body(random, 1 + random.nextInt(3), 4).getBytes(StandardCharsets.UTF_8);
    byte[] tokens = "{}[]:,\"0123456789.eE+- \n".getBytes(StandardCharsets.US_ASCII);
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits; e++) {
      body[random.nextInt(body.length)] = tokens[random.nextInt(tokens.length)];
    }
    assertThat(fast(body)).as(new String(body, StandardCharsets.UTF_8)).isEqualTo(jackson(body));
  }

  /**
   * A short number of the forms the one-word tier reads ({@code -0.8947}, {@code 12.5}, {@code 0},
   * {@code 1234567}) and its near misses (a second point, no digit on one side, a leading zero, an
   * exponent, one character too many after a sign), with digits that include zeros.
   */
  private static String shortNumber(SplittableRandom random) {
    String sign = random.nextBoolean() ? "-" : "";
    String integer =
        random.nextInt(4) == 0 ? "0" : (1 + random.nextInt(9)) + digits(random, random.nextInt(3));
    String fraction = digits(random, random.nextInt(7));
    String text = fraction.isEmpty() ? integer : integer + "." + fraction;
    return switch (random.nextInt(12)) {
      case 0 -> sign + "0" + text; // a leading zero, or "00.x"
      case 1 -> sign + "." + fraction; // no integer part
      case 2 -> sign + integer + "."; // no fraction
      case 3 -> sign + text + "." + digits(random, 1); // two points
      case 4 -> sign + text + (random.nextBoolean() ? "e" : "E") + (random.nextInt(30) - 15);
      case 5 -> sign + digits1(random) + digits(random, 6); // 7 or more characters
      case 6 -> sign; // a sign alone
      default -> sign + text;
    };
  }

  /** Rows of short numbers, enough of them that most are far from the body's end. */
  private static String shortBody(SplittableRandom random, int rows) {
    StringBuilder out = new StringBuilder("{\"instances\": [");
    for (int r = 0; r < rows; r++) {
      out.append(r > 0 ? "," : "").append('[');
      for (int c = 0; c < 4; c++) {
        out.append(c > 0 ? (random.nextInt(3) == 0 ? ", " : ",") : "").append(shortNumber(random));
      }
      out.append(']');
    }
    return out.append("]}").toString();
  }

  @Property(tries = 3000)
  void shortNumbers_fastPath_sameOutcomeAsJackson(@ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] body = shortBody(random, 1 + random.nextInt(12)).getBytes(StandardCharsets.UTF_8);
    assertThat(fast(body)).as(new String(body, StandardCharsets.UTF_8)).isEqualTo(jackson(body));
  }

  @Property(tries = 3000)
  void longBodiesOfEveryForm_fastPath_bitIdenticalToJackson(@ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] body = body(random, 4 + random.nextInt(12), 4).getBytes(StandardCharsets.UTF_8);
    assertThat(fast(body)).as(new String(body, StandardCharsets.UTF_8)).isEqualTo(jackson(body));
  }

  @Property(tries = 3000)
  void mutatedLongBodies_fastPath_sameOutcomeAsJackson(@ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    String text = random.nextBoolean() ? shortBody(random, 8) : body(random, 8, 4);
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    byte[] tokens = "{}[]:,\"0123456789.eE+- \n/\u00e9".getBytes(StandardCharsets.UTF_8);
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits; e++) {
      body[random.nextInt(body.length)] = tokens[random.nextInt(tokens.length)];
    }
    assertThat(fast(body)).as(new String(body, StandardCharsets.UTF_8)).isEqualTo(jackson(body));
  }

  @Test
  void everyShortLayout_scan_bitIdenticalToJackson() {
    // Every split of up to 7 characters into integer digits, a point and fraction digits, signed
    // and not, with zeros where the borrow of a byte-wise subtraction would corrupt the next byte.
    SplittableRandom random = new SplittableRandom(1);
    StringBuilder text = new StringBuilder("{\"instances\": [");
    int count = 0;
    for (int integerDigits = 1; integerDigits <= 7; integerDigits++) {
      for (int fractionDigits = 0; integerDigits + fractionDigits + 1 <= 8; fractionDigits++) {
        for (int trial = 0; trial < 40; trial++) {
          String integer =
              integerDigits == 1 && trial % 3 == 0
                  ? "0"
                  : (1 + random.nextInt(9)) + zerosOrDigits(random, integerDigits - 1);
          String number =
              (trial % 2 == 0 ? "-" : "")
                  + integer
                  + (fractionDigits == 0 ? "" : "." + zerosOrDigits(random, fractionDigits));
          text.append(count % 4 == 0 ? (count > 0 ? "],[" : "[") : ",").append(number);
          count++;
        }
      }
    }
    while (count % 4 != 0) {
      text.append(",1");
      count++;
    }
    byte[] body = text.append("]]}").toString().getBytes(StandardCharsets.UTF_8);
    assertThat(RowScanner.scan(body, 4, new float[4], new int[2])).isNotNull();
    assertThat(fast(body)).isEqualTo(jackson(body));
  }

  @Property(tries = 500)
  void decimalsNearFloatMidpoints_fastPath_bitIdenticalToJackson(@ForAll long seed) {
    // The decimals where rounding first to double and then to float could go wrong: the exact
    // midpoint between two adjacent floats, and that midpoint rounded to 9..17 significant digits
    // (just above, just below, or on it).
    SplittableRandom random = new SplittableRandom(seed);
    StringBuilder text = new StringBuilder("{\"instances\": [[");
    for (int i = 0; i < 40; i++) {
      float low = Float.intBitsToFloat(0x0080_0000 + random.nextInt(0x7E00_0000)); // normal, > 0
      java.math.BigDecimal midpoint =
          new java.math.BigDecimal(low)
              .add(new java.math.BigDecimal(Math.nextUp(low)))
              .divide(java.math.BigDecimal.valueOf(2));
      java.math.RoundingMode[] modes = {
        java.math.RoundingMode.UP, java.math.RoundingMode.DOWN, java.math.RoundingMode.HALF_EVEN
      };
      java.math.BigDecimal decimal =
          random.nextInt(5) == 0
              ? midpoint
              : midpoint.round(
                  new java.math.MathContext(9 + random.nextInt(9), modes[random.nextInt(3)]));
      // Plain notation where that stays short, else the exponent form; both are JSON numbers.
      String number =
          decimal.abs().compareTo(java.math.BigDecimal.valueOf(1e-6)) > 0
                  && decimal.abs().compareTo(java.math.BigDecimal.valueOf(1e20)) < 0
              ? decimal.toPlainString()
              : decimal.toString().replace("E+", "e");
      if (!number.contains(".") && !number.contains("e") && !number.contains("E")) {
        number = number + ".0";
      }
      text.append(i == 0 ? "" : i % 4 == 0 ? "],[" : ",")
          .append(random.nextBoolean() ? "-" : "")
          .append(number);
    }
    byte[] body = text.append("]]}").toString().getBytes(StandardCharsets.UTF_8);
    assertThat(fast(body)).as(new String(body, StandardCharsets.UTF_8)).isEqualTo(jackson(body));
  }

  private static String zerosOrDigits(SplittableRandom random, int count) {
    return random.nextBoolean() ? "0".repeat(count) : digits(random, count);
  }

  @Test
  void plainRows_scan_readsEveryValue() {
    byte[] body =
        "{\"instances\": [[1, -2.5, 0.125, 3e2], [ -0 ,-0.0,1E-3 , 7.25e+1 ]]}"
            .getBytes(StandardCharsets.UTF_8);
    RowScanner.Result result = RowScanner.scan(body, 4, new float[1], new int[2]);
    assertThat(result).isNotNull();
    assertThat(result.rows()).isEqualTo(2);
    assertThat(java.util.Arrays.copyOf(result.features(), 8))
        .containsExactly(1f, -2.5f, 0.125f, 300f, 0f, -0f, 0.001f, 72.5f);
    assertThat(Float.floatToRawIntBits(result.features()[4])).isZero(); // "-0" is an integer: +0
    assertThat(Float.floatToRawIntBits(result.features()[5])).isEqualTo(0x80000000); // -0.0
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"instances\": [[1, 2, 3]]}",
        "{\"instances\": [[1, 2, 3, 4, 5]]}",
        "{\"instances\": [[1, 2, 3, \"4\"]]}",
        "{\"instances\": [[1, 2, 3, 01]]}",
        "{\"instances\": [[1, 2, 3, 1.]]}",
        "{\"instances\": [[1, 2, 3, .5]]}",
        "{\"instances\": [[1, 2, 3, NaN]]}",
        "{\"instances\": [[1, 2, 3, 1e39]]}",
        "{\"instances\": [[1, 2, 3, 4]]} x",
        "{\"instances\": [[1, 2, 3, 4],]}",
        "{\"instances\": []}",
        "{\"inputs\": [[1, 2, 3, 4]]}",
        "{\"instances\": [[1, 2, 3, 4]], \"signature_name\": \"x\"}",
        "{\"instances\": [{\"sepal_length\": 1}]}",
        "{\"instances\": [[1, 2, 3, 12345678901234567890]]}",
        "{\"instances\": [[1.5.5, 2, 3, 4]]}",
        "{\"instances\": [[-.5, 2, 3, 4]]}",
        "{\"instances\": [[01.5, 2, 3, 4]]}",
        "{\"instances\": [[2., 2, 3, 4]]}",
        "{\"instances\": [[-, 2, 3, 4]]}",
        "{\"instances\": [[1.5\u00e9, 2, 3, 4]]}",
        "{\"instances\": [[1e5e5, 2, 3, 4]]}",
      })
  void otherShapesAndMistakes_scan_declinesAndJacksonAnswers(String text) {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    assertThat(RowScanner.scan(body, 4, new float[4], new int[2])).isNull();
    assertThat(fast(body)).isEqualTo(jackson(body));
  }
}
