namespace AppProtocol.Client;

/// <summary>The client's failures: why a request may go out again on another connection.</summary>
internal static class ClientFailures
{
    // Why a request may go out again on another connection (RequestUnreadException, SendOutcome.ResendReason).
    public const string ResetUnread = "the server reset the connection without reading it";
    public const string ClosedBeforeSent = "the server closed the connection before the request went out";
}
