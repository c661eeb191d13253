import ModelfileLang

/// One entry of a manifest: a blob's media type, digest and size, plus where it came from.
package struct Descriptor: Sendable, Equatable {
    package var mediaType: String
    package var digest: Digest
    /// Blob size in bytes.
    package var size: Int64
    /// The base model's short name for inherited layers, or the source file name; omitted when empty.
    package var from: String
    /// Tensor or config path (safetensors/MLX format only); omitted when empty.
    package var name: String

    package init(mediaType: String, digest: Digest, size: Int64, from: String = "", name: String = "") {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.from = from
        self.name = name
    }

    /// The JSON object, fields in Go's struct order.
    var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("mediaType", .string(mediaType)), ("digest", .string(digest.description)), ("size", .int(Int(size))),
        ]
        if !from.isEmpty { members.append(("from", .string(from))) }
        if !name.isEmpty { members.append(("name", .string(name))) }
        return .object(members)
    }

    init(json: JSONValue) throws(StoreError) {
        guard let mediaType = json["mediaType"]?.stringValue,
              let digestText = json["digest"]?.stringValue, let digest = Digest(parsing: digestText),
              let size = json["size"]?.intValue, size >= 0
        else { throw StoreError("manifest entry lacks a valid mediaType, digest or size") }
        self.init(mediaType: mediaType, digest: digest, size: Int64(size),
                  from: json["from"]?.stringValue ?? "", name: json["name"]?.stringValue ?? "")
    }
}
