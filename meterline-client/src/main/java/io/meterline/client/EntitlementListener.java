package io.meterline.client;

/**
 * Told when a meter's {@link EntitlementState} changes: when the service starts refusing the
 * product's usage for a reason that concerns the whole product, when the grace policy moves it on
 * (e.g. to {@link EntitlementState.Mode#STOPPED}), and when usage is accepted again. Called on the
 * meter's sending thread; it should return quickly, and what it throws is logged and ignored.
 */
@FunctionalInterface
public interface EntitlementListener {
  void onChange(EntitlementState state);
}
