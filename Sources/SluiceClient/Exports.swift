/// The client's request and response types live in SluiceAPI; re-export them so a
/// consumer needs only `import SluiceClient`.
@_exported import SluiceAPI
