package io.streamprop.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.apache.kafka.streams.CloseOptions.GroupMembershipOperation;
import org.junit.jupiter.api.Test;

/** A closing trainer leaves its group unless it is a static member (TrainerIT checks leaving). */
class MembershipOnCloseTest {
  private static Properties with(String key) {
    Properties p = new Properties();
    p.put("application.id", "a");
    if (key != null) {
      p.put(key, "trainer-1");
    }
    return p;
  }

  @Test
  void dynamicMember_leaves() {
    assertThat(TrainerApp.membershipOnClose(with(null)))
        .isEqualTo(GroupMembershipOperation.LEAVE_GROUP);
  }

  @Test
  void staticMember_remains_howeverItsIdIsGiven() {
    for (String key :
        new String[] {
          "group.instance.id", "main.consumer.group.instance.id", "consumer.group.instance.id"
        }) {
      assertThat(TrainerApp.membershipOnClose(with(key)))
          .as(key)
          .isEqualTo(GroupMembershipOperation.REMAIN_IN_GROUP);
    }
  }
}
