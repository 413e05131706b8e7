extension Duration {
    /// The duration in seconds, for APIs that take a `TimeInterval`.
    package var timeInterval: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
