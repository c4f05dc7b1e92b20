/**
 * Topic setup with the Kafka admin client: the trainer creates its topics with the right settings
 * when they are missing, and refuses to start on a topic that would lose data (a snapshot topic
 * that is not compacted, a size limit below the largest snapshot).
 */
package io.streamprop.trainer.admin;
