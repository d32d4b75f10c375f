extension Duration {
    /// The duration in seconds, as a Double (for arithmetic with rates and timeouts).
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
