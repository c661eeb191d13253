/// Builder: the content-addressed model store and the incremental build graph.
public enum BuilderInfo {
    public static let version = "0.1.0"
}
