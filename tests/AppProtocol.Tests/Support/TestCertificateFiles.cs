using System.Security.Cryptography.X509Certificates;

namespace AppProtocol.Tests.Support;

/// <summary>
/// A test CA, a server certificate (localhost, 127.0.0.1) and a client certificate it signed, and an unrelated
/// self-signed client certificate, as PEM files (and the server's as a PFX too) in a temporary folder, deleted on
/// disposal. Servers read the files; clients present the same certificates from memory.
/// </summary>
public sealed class TestCertificateFiles : IDisposable
{
    public TestCertificateFiles()
    {
        Folder = Directory.CreateTempSubdirectory("appprotocol-tls-").FullName;
        Authority = TestCertificates.CreateAuthority("CN=AppProtocol Test CA");
        Server = TestCertificates.Issue(Authority, "CN=localhost", server: true);
        Client = TestCertificates.Issue(Authority, "CN=appprotocol-test-client", server: false);
        Stranger = TestCertificates.CreateSelfSigned("CN=appprotocol-test-stranger", server: false);
        AuthorityPem = Write("ca.pem", Authority.ExportCertificatePem());
        ServerPem = Write("server.pem", Server.ExportCertificatePem());
        ServerKey = WriteKey("server.key", Server);
        ServerPfx = Path.Combine(Folder, "server.pfx");
        File.WriteAllBytes(ServerPfx, Server.Export(X509ContentType.Pfx));
        Write("client.pem", Client.ExportCertificatePem());
        WriteKey("client.key", Client);
        Write("stranger.pem", Stranger.ExportCertificatePem());
        WriteKey("stranger.key", Stranger);
    }

    public string Folder { get; }

    /// <summary>The CA, which signed <see cref="Server"/> and <see cref="Client"/>.</summary>
    public X509Certificate2 Authority { get; }

    public X509Certificate2 Server { get; }

    public X509Certificate2 Client { get; }

    /// <summary>A client certificate no CA signed.</summary>
    public X509Certificate2 Stranger { get; }

    public string AuthorityPem { get; }

    public string ServerPem { get; }

    public string ServerKey { get; }

    /// <summary>The server's certificate and key, PKCS #12 without a password.</summary>
    public string ServerPfx { get; }

    public void Dispose()
    {
        Directory.Delete(Folder, recursive: true);
        foreach (X509Certificate2 certificate in (X509Certificate2[])[Authority, Server, Client, Stranger])
        {
            certificate.Dispose();
        }
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(Folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string WriteKey(string name, X509Certificate2 certificate)
    {
        using System.Security.Cryptography.ECDsa key = certificate.GetECDsaPrivateKey()!;
        return Write(name, key.ExportPkcs8PrivateKeyPem());
    }
}
