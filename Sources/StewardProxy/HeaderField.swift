/// One header line of a parsed head, as offsets into the head's bytes.
struct HeaderField {
    var kind: HeaderKind
    /// Where the line starts (its name).
    var start: Int32
    /// Where the name ends (the ':').
    var nameEnd: Int32
    /// The value, spaces and tabs around it trimmed.
    var valueStart: Int32
    var valueEnd: Int32
    /// Just after the line's CR LF.
    var end: Int32

    var name: Range<Int> { Int(start)..<Int(nameEnd) }
    var value: Range<Int> { Int(valueStart)..<Int(valueEnd) }
    var line: Range<Int> { Int(start)..<Int(end) }
}
