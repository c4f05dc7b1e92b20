package io.streamprop.scorer.http;

import io.streamprop.scorer.predlog.IdGenerator;
import io.streamprop.scorer.predlog.PredictionRecords;
import io.streamprop.scorer.registry.ServedModel;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One predict body answered by one served version: parse (the instances against the model's width,
 * or its raw features), predict, write the response body, and build the prediction log's records
 * from the body's and the response's bytes. The HTTP route and the {@code prediction-requests}
 * consumer both answer through here, so one body gets the same bits, and one mistake the same
 * message, on either path.
 */
public final class PredictBody {
  private PredictBody() {}

  /**
   * What a body was answered with.
   *
   * @param body the response body ({@code docs/api.md}, "Predict / Response")
   * @param rows instances predicted
   * @param records (rows) the prediction log's records, or null when none were asked for
   */
  public record Answer(byte[] body, int rows, ProducerRecord<byte[], byte[]>[] records) {}

  /**
   * Answers {@code body}; an {@link HttpError} (4xx) names what is wrong with it.
   *
   * @param ids generates the ids of a body without {@code "ids"}; null: a body must name its ids
   * @param topic the prediction log's topic, or null for no records
   * @param time when predicted, epoch milliseconds: the records' {@code time}
   */
  public static Answer answer(
      ServedModel served, byte[] body, IdGenerator ids, String topic, long time) {
    float[] outputs;
    String[] given;
    int[] featureBounds;
    int rows;
    if (served.featurizer() != null) {
      RawInstances.Parsed instances = RawInstances.parse(body, served);
      rows = instances.rows().length;
      outputs = served.inference().predict(instances.rows());
      given = instances.ids();
      featureBounds = instances.bounds();
    } else {
      Instances instances = Instances.parse(body, served);
      rows = instances.rows();
      outputs = served.inference().predict(instances.features(), rows);
      given = instances.ids();
      featureBounds = instances.bounds();
    }
    if (given == null && ids == null) {
      throw Instances.badRequest(
          "'ids' is missing; a prediction request names one id per instance, by which its"
              + " predictions are found on the predictions topic");
    }
    String[] answeredIds = given != null ? given : ids.next(rows);
    int[] predictionBounds = topic == null ? null : new int[2 * rows];
    byte[] answer = JsonBodies.predictions(served, outputs, rows, answeredIds, predictionBounds);
    ProducerRecord<byte[], byte[]>[] records =
        topic == null
            ? null
            : PredictionRecords.of(
                topic,
                served.name(),
                served.version(),
                time,
                answeredIds,
                body,
                featureBounds,
                answer,
                predictionBounds);
    return new Answer(answer, rows, records);
  }
}
