package io.meterline.server.auth;

import io.meterline.server.domain.AccessKey;
import io.meterline.server.domain.KeyKind;
import io.meterline.server.domain.Task;

/** Who signed a request: a long-term key of an account, or a task's temporary credentials. */
public sealed interface Principal {
  /** The account the credentials belong to. */
  String awsAccountId();

  /** The access key id the request was signed with. */
  String accessKeyId();

  /** A long-term access key of a seller's backend or a buyer's IAM user. */
  record AccountKey(AccessKey key) implements Principal {
    @Override
    public String awsAccountId() {
      return key.awsAccountId();
    }

    @Override
    public String accessKeyId() {
      return key.accessKeyId();
    }

    /** Whether this is a seller's key. */
    public boolean isSeller() {
      return key.kind() == KeyKind.SELLER;
    }
  }

  /** The temporary credentials of an ECS task, EKS pod or EC2 instance. */
  record TaskCredentials(Task task, String accessKeyId) implements Principal {
    @Override
    public String awsAccountId() {
      return task.awsAccountId();
    }
  }
}
