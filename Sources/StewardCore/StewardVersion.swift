/// The version of Steward itself.
public enum StewardVersion {
    public static let current = "0.1.0"
}
