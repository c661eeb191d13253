/// Builder: the content-addressed model store and the incremental build graph.
package enum BuilderInfo {
    package static let version = "0.1.0"
}
