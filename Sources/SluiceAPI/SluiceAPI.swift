/// The types and server protocol of Sluice's HTTP API, generated at build time from
/// openapi/openapi.yaml (the contract) by swift-openapi-generator.
public enum SluiceAPIContract {
    /// Where the contract lives in the repository.
    public static let documentPath = "openapi/openapi.yaml"
}
