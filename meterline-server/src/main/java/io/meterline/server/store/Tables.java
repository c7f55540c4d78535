package io.meterline.server.store;

/** All tables, built once and shared: they hold no state beyond the key sealer. */
public record Tables(
    AccountsTable accounts,
    ProductsTable products,
    SubscriptionsTable subscriptions,
    TasksTable tasks,
    AdmissionsTable admissions,
    AccessKeysTable accessKeys,
    UsageRecordsTable usage,
    ClientTokensTable clientTokens,
    NotificationsTable notifications,
    LicenseConsumptionsTable licenseConsumptions) {

  /** The tables, with product keys sealed by the given sealer. */
  public static Tables create(KeySealer sealer) {
    return new Tables(
        new AccountsTable(),
        new ProductsTable(sealer),
        new SubscriptionsTable(),
        new TasksTable(),
        new AdmissionsTable(),
        new AccessKeysTable(),
        new UsageRecordsTable(),
        new ClientTokensTable(),
        new NotificationsTable(),
        new LicenseConsumptionsTable());
  }
}
