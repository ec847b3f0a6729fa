import Foundation

/// Just enough XML for S3's answers (ListBucketResult, InitiateMultipartUploadResult, Error):
/// flat elements without attributes that matter, read by name.
///
/// S3's answers are generated, flat and well-formed; a general parser (and libxml2) would buy nothing here.
enum S3XML {
    /// The text of every `<name>…</name>` in `xml`, in order, entities decoded.
    static func values(_ name: String, in xml: Substring) -> [String] {
        elements(name, in: xml).map { decode(String($0)) }
    }

    /// The first `<name>…</name>`'s text, entities decoded.
    static func value(_ name: String, in xml: Substring) -> String? {
        elements(name, in: xml).first.map { decode(String($0)) }
    }

    static func value(_ name: String, in xml: String) -> String? { value(name, in: xml[...]) }

    /// The raw inner text of every `<name>…</name>` (or `<name attr="…">…</name>`), not decoded.
    static func elements(_ name: String, in xml: Substring) -> [Substring] {
        var found = [Substring]()
        var rest = xml
        let close = "</\(name)>"
        while let open = rest.range(of: "<\(name)") {
            guard let end = rest[open.upperBound...].firstIndex(of: ">") else { break }
            let tagTail = rest[open.upperBound..<end]
            // `<Name>` or `<Name …>`, not `<NameSuffix>`; `<Name/>` is empty.
            if let first = tagTail.first, first != " " {
                rest = rest[end...]
                continue
            }
            if tagTail.hasSuffix("/") {
                found.append(rest[end..<end])
                rest = rest[rest.index(after: end)...]
                continue
            }
            let contentStart = rest.index(after: end)
            guard let closing = rest[contentStart...].range(of: close) else { break }
            found.append(rest[contentStart..<closing.lowerBound])
            rest = rest[closing.upperBound...]
        }
        return found
    }

    /// Replaces the five named entities and numeric references.
    static func decode(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = text[...]
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";") else { break }
            let entity = rest[rest.index(after: amp)..<semi]
            switch entity {
            case "amp": out += "&"
            case "lt": out += "<"
            case "gt": out += ">"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                let number =
                    entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16)
                    : entity.hasPrefix("#") ? UInt32(entity.dropFirst(), radix: 10) : nil
                if let number, let scalar = Unicode.Scalar(number) {
                    out.unicodeScalars.append(scalar)
                } else {
                    out += rest[amp...semi]
                }
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }

    /// Escapes text for an element's content.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
