package io.streamprop.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every key a program reads is in its page of the documentation, spelled out in full. */
class KeysDocumentedTest {
  private static final Path DOCS = Path.of("..", "docs");

  private static void assertDocumented(Set<String> keys, String page) throws IOException {
    String text = Files.readString(DOCS.resolve(page));
    for (String key : keys) {
      assertThat(text).as(key + " in docs/" + page).contains("`" + key + "`");
    }
  }

  @Test
  void trainerKeys_inTrainerMd() throws IOException {
    assertDocumented(TrainerKeys.DEFAULTS.keySet(), "trainer.md");
  }

  @Test
  void scorerKeys_inScorerMd_topicNamesInTopicsMd() throws IOException {
    Set<String> own = new TreeSet<>(ScorerKeys.DEFAULTS.keySet());
    own.removeAll(Topics.DEFAULTS.keySet());
    assertDocumented(own, "scorer.md");
  }

  @Test
  void topicKeys_inTopicsMd() throws IOException {
    assertDocumented(Topics.DEFAULTS.keySet(), "topics.md");
  }
}
