import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import StewardCore
#if canImport(Glibc)
import Glibc
#endif

/// The S3 operations backups and mirrors need, over path-style URLs (`ENDPOINT/BUCKET/KEY`), every
/// request signed with ``SigV4Signer``.
///
/// Bodies stream: uploads read the file as they send it (``putObject(bucket:key:file:sha256:)``)
/// or in parts of ``partSize`` (``upload(bucket:key:file:sha256:)``), downloads are written to a
/// file as they arrive (``getObject(bucket:key:to:)``). Nothing holds a whole object in memory
/// but the small JSON documents read with ``getData(bucket:key:limit:)``.
///
/// Every failure is an ``S3Error`` with S3's code and message; none carries a credential.
public struct S3Client: Sendable {
    public var connection: S3Connection
    /// The size of each part of a multipart upload (S3's minimum is 5 MiB but for the last part).
    public var partSize: Int64
    /// The time one request (one part, one download) may take.
    public var timeout: TimeAmount
    let http: HTTPClient

    public init(
        connection: S3Connection, partSize: Int64 = 8 * 1024 * 1024, timeout: TimeAmount = .minutes(30),
        httpClient: HTTPClient = .shared
    ) {
        self.connection = connection
        self.partSize = partSize
        self.timeout = timeout
        self.http = httpClient
    }

    // MARK: Objects

    /// Uploads a file in one PutObject, streaming it; signed with `sha256` when known, else `UNSIGNED-PAYLOAD`.
    /// - Returns: the new object's ETag (unquoted).
    @discardableResult
    public func putObject(bucket: String, key: String, file: String, sha256: String? = nil) async throws -> String {
        let size = try Self.fileSize(file)
        let headers = try await call(
            .PUT, "PutObject", bucket: bucket, key: key,
            headers: [("content-length", "\(size)"), ("content-type", "application/octet-stream")],
            body: .stream(FileChunks(path: file, offset: 0, length: size), length: .known(size)),
            payloadHash: sha256 ?? SigV4Signer.unsignedPayload)
        return S3Object.unquoted(headers.first(name: "etag") ?? "")
    }

    /// Uploads small bytes (a manifest) in one PutObject, signed with their hash.
    @discardableResult
    public func putData(bucket: String, key: String, _ data: Data, contentType: String = "application/json")
        async throws -> String
    {
        let headers = try await call(
            .PUT, "PutObject", bucket: bucket, key: key,
            headers: [("content-length", "\(data.count)"), ("content-type", contentType)],
            body: .bytes(ByteBuffer(bytes: data)), payloadHash: Hex.string(SHA256.hash(data: data)))
        return S3Object.unquoted(headers.first(name: "etag") ?? "")
    }

    /// Uploads a file: one PutObject up to ``partSize``, a multipart upload beyond (aborted on any failure).
    /// - Parameter sha256: the whole file's hash when known (signs a single PutObject).
    @discardableResult
    public func upload(bucket: String, key: String, file: String, sha256: String? = nil) async throws -> String {
        let size = try Self.fileSize(file)
        if size <= partSize { return try await putObject(bucket: bucket, key: key, file: file, sha256: sha256) }
        return try await multipartUpload(bucket: bucket, key: key, file: file, size: size)
    }

    /// Downloads an object into `path` (a new 0600 file), hashing it on the way.
    /// - Returns: the bytes written and their SHA-256; the file is fsynced.
    /// - Throws: ``S3Error`` (`NoSuchKey` for a missing object); a partial file is removed.
    public func getObject(bucket: String, key: String, to path: String) async throws -> (size: Int64, sha256: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw BackupError(.failed, "cannot create \(path): \(String(cString: strerror(errno)))") }
        do {
            let response = try await send(.GET, "GetObject", bucket: bucket, key: key)
            var hasher = SHA256()
            var total: Int64 = 0
            for try await chunk in response.body {
                try chunk.withUnsafeReadableBytes { bytes in
                    hasher.update(bufferPointer: bytes)
                    try FileDescriptorIO.writeAll(fd, bytes, path: path)
                }
                total += Int64(chunk.readableBytes)
            }
            try FileDescriptorIO.fsync(fd, path: path)
            close(fd)
            return (total, Hex.string(hasher.finalize()))
        } catch {
            close(fd)
            unlink(path)
            throw error
        }
    }

    /// A small object's bytes (a manifest); more than `limit` bytes is an error, not a memory spike.
    public func getData(bucket: String, key: String, limit: Int = 16 * 1024 * 1024) async throws -> Data {
        let response = try await send(.GET, "GetObject", bucket: bucket, key: key)
        do {
            return Data(try await response.body.collect(upTo: limit).readableBytesView)
        } catch let error as S3Error {
            throw error
        } catch {
            throw S3Error(
                operation: "GetObject", resource: "\(bucket)/\(key)", status: Int(response.status.code),
                code: "ResponseTooLarge", message: "more than \(limit) bytes, or the body broke off: \(error)")
        }
    }

    /// The object's size, ETag and date, or nil when it does not exist.
    public func headObject(bucket: String, key: String) async throws -> S3Object? {
        do {
            let headers = try await call(.HEAD, "HeadObject", bucket: bucket, key: key)
            return S3Object(
                key: key, size: Int64(headers.first(name: "content-length") ?? "") ?? 0,
                etag: S3Object.unquoted(headers.first(name: "etag") ?? ""),
                lastModified: headers.first(name: "last-modified") ?? "")
        } catch let error as S3Error where error.isNotFound {
            return nil
        }
    }

    /// Every object under `prefix`, following continuation tokens (ListObjectsV2, `pageSize` a page).
    public func listObjects(bucket: String, prefix: String = "", pageSize: Int = 1000) async throws -> [S3Object] {
        var objects = [S3Object]()
        var token: String?
        repeat {
            var query = [("list-type", "2"), ("max-keys", "\(pageSize)"), ("prefix", prefix)]
            if let token { query.append(("continuation-token", token)) }
            let response = try await send(.GET, "ListObjectsV2", bucket: bucket, query: query)
            let xml = String(buffer: try await response.body.collect(upTo: 32 * 1024 * 1024))[...]
            for contents in S3XML.elements("Contents", in: xml) {
                guard let key = S3XML.value("Key", in: contents) else { continue }
                objects.append(
                    S3Object(
                        key: key, size: Int64(S3XML.value("Size", in: contents) ?? "") ?? 0,
                        etag: S3Object.unquoted(S3XML.value("ETag", in: contents) ?? ""),
                        lastModified: S3XML.value("LastModified", in: contents) ?? ""))
            }
            let truncated = S3XML.value("IsTruncated", in: xml) == "true"
            token = truncated ? S3XML.value("NextContinuationToken", in: xml) : nil
            if truncated && token == nil {
                throw S3Error(
                    operation: "ListObjectsV2", resource: bucket, status: 200, code: "MissingContinuationToken",
                    message: "the listing is truncated but names no continuation token")
            }
        } while token != nil
        return objects
    }

    /// Deletes an object (S3 answers success for a key that does not exist).
    public func deleteObject(bucket: String, key: String) async throws {
        _ = try await call(.DELETE, "DeleteObject", bucket: bucket, key: key)
    }

    /// Creates a bucket (in the connection's region); one that exists and is ours is fine.
    public func createBucket(_ bucket: String) async throws {
        var body = Data()
        if connection.region != "us-east-1" {
            body = Data(
                "<CreateBucketConfiguration><LocationConstraint>\(connection.region)</LocationConstraint></CreateBucketConfiguration>"
                    .utf8)
        }
        do {
            _ = try await call(
                .PUT, "CreateBucket", bucket: bucket, headers: [("content-length", "\(body.count)")],
                body: body.isEmpty ? nil : .bytes(ByteBuffer(bytes: body)),
                payloadHash: Hex.string(SHA256.hash(data: body)))
        } catch let error as S3Error where error.code == "BucketAlreadyOwnedByYou" {
            return
        }
    }

    // MARK: Requests

    /// ``send(_:_:bucket:key:query:headers:body:payloadHash:)`` for an answer whose body does not
    /// matter: the body is read and dropped (so the connection can be reused), the headers returned.
    func call(
        _ method: HTTPMethod, _ operation: String, bucket: String, key: String? = nil, query: [(String, String)] = [],
        headers extra: [(String, String)] = [], body: HTTPClientRequest.Body? = nil,
        payloadHash: String = SigV4Signer.emptyPayloadHash
    ) async throws -> HTTPHeaders {
        let response = try await send(
            method, operation, bucket: bucket, key: key, query: query, headers: extra, body: body,
            payloadHash: payloadHash)
        for try await _ in response.body {}
        return response.headers
    }

    /// Signs and sends one request; a status of 300 or more becomes an ``S3Error`` with S3's code and message.
    func send(
        _ method: HTTPMethod, _ operation: String, bucket: String, key: String? = nil, query: [(String, String)] = [],
        headers extra: [(String, String)] = [], body: HTTPClientRequest.Body? = nil,
        payloadHash: String = SigV4Signer.emptyPayloadHash
    ) async throws -> HTTPClientResponse {
        let resource = key.map { "\(bucket)/\($0)" } ?? bucket
        let path = "/" + resource
        let signer = SigV4Signer(credentials: connection.credentials, region: connection.region)
        let signed = signer.sign(
            method: method.rawValue, path: path, query: query,
            // Content-Length is left unsigned: the HTTP client writes it from the body.
            headers: [("host", connection.hostHeader), ("x-amz-content-sha256", payloadHash)]
                + extra.filter { $0.0.lowercased() != "content-length" },
            payloadHash: payloadHash, date: Date())
        let queryString = query.map { "\(SigV4Signer.encode($0.0))=\(SigV4Signer.encode($0.1))" }
            .joined(separator: "&")
        var request = HTTPClientRequest(
            url: connection.endpoint + SigV4Signer.encode(path, keepSlash: true)
                + (queryString.isEmpty ? "" : "?" + queryString))
        request.method = method
        for header in signed.headers where header.name.lowercased() != "content-length" {
            request.headers.replaceOrAdd(name: header.name, value: header.value)
        }
        if let body { request.body = body }
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: timeout)
        } catch {
            throw S3Error(
                operation: operation, resource: resource, status: 0, code: "RequestFailed",
                message: "\(connection.endpoint) did not answer: \(error)")
        }
        guard response.status.code >= 300 else { return response }
        let text = (try? await response.body.collect(upTo: 64 * 1024)).map { String(buffer: $0) } ?? ""
        let code = S3XML.value("Code", in: text) ?? (response.status == .notFound ? "NotFound" : "HTTP\(response.status.code)")
        let message = S3XML.value("Message", in: text) ?? response.status.reasonPhrase
        throw S3Error(
            operation: operation, resource: resource, status: Int(response.status.code), code: code, message: message)
    }

    static func fileSize(_ path: String) throws -> Int64 {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw BackupError(.failed, "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        return Int64(info.st_size)
    }
}
