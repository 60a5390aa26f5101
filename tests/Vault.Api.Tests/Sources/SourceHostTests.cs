using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Vault.TestSupport;
using static Vault.Api.Tests.Sources.JsonBodies;

namespace Vault.Api.Tests.Sources;

public sealed class SourceHostTests : IDisposable
{
    private readonly SourceApiFactory _api = new();

    [Theory]
    [InlineData("[::1]")]
    [InlineData("::1")]
    public async Task An_ipv6_literal_is_accepted_and_dialled_over_ipv6(string host)
    {
        RequireIpv6Loopback();
        var port = ClosedPort(IPAddress.IPv6Loopback);

        var response = await _api.CreateClient().PostAsync(new Uri("/api/sources/test", UriKind.Relative), Json(Body(host, port)), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await ReadAsync(response);
        Assert.False(result["ok"]!.GetValue<bool>());
        Assert.Equal("ConnectionRefused", result["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_source_on_an_ipv6_literal_logs_in_and_lists_folders_through_an_ipv6_loopback_relay_to_dovecot()
    {
        RequireIpv6Loopback();
        var dovecot = TestDovecot.Require();
        var user = dovecot.CreateUser("ipv6");
        try
        {
            await using var relay = new LoopbackRelay(IPAddress.IPv6Loopback, new IPEndPoint(IPAddress.Parse(dovecot.Host), dovecot.ImapPort));
            var body = Body("[::1]", relay.Port);
            body["username"] = user.Name;
            body["password"] = user.Password;

            var response = await _api.CreateClient().PostAsync(new Uri("/api/sources/test", UriKind.Relative), Json(body), TestContext.Current.CancellationToken);

            var result = await ReadAsync(response);
            Assert.True(result["ok"]!.GetValue<bool>(), result.ToJsonString());
            Assert.Contains(result["folders"]!.AsArray(), folder => folder!["name"]!.GetValue<string>() == "INBOX");
            Assert.True(relay.Connections > 0, "nothing came through the IPv6 relay");
        }
        finally
        {
            dovecot.DeleteUser(user);
        }
    }

    [Theory]
    [InlineData("[::1]:143")]
    [InlineData("[::1")]
    [InlineData("::1]")]
    [InlineData("[mail.example.com]")]
    [InlineData("1.2.3.4:993")]
    public async Task A_host_with_a_port_or_stray_brackets_is_a_validation_error(string host)
    {
        var response = await _api.CreateClient().PostAsync(new Uri("/api/sources/test", UriKind.Relative), Json(Body(host, 993)), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ReadAsync(response))["errors"]!.AsObject().ContainsKey("host"));
    }

    [Fact]
    public async Task A_saved_ipv6_host_is_shown_without_brackets()
    {
        var body = Body("[::1]", 9);
        body["name"] = "Six";

        var created = await ReadAsync(await _api.CreateClient().PostAsync(new Uri("/api/sources", UriKind.Relative), Json(body), TestContext.Current.CancellationToken));

        Assert.Equal("::1", created["host"]!.GetValue<string>());
    }

    public void Dispose() => _api.Dispose();

    private static JsonObject Body(string host, int port) => new()
    {
        ["host"] = host,
        ["port"] = port,
        ["tls"] = false,
        ["username"] = "me",
        ["password"] = "ipv6-Secret-1",
        ["timeout"] = "00:00:10",
    };

    private static void RequireIpv6Loopback()
    {
        bool available;
        try
        {
            using var probe = new TcpListener(IPAddress.IPv6Loopback, 0);
            probe.Start();
            available = true;
        }
        catch (SocketException)
        {
            available = false;
        }

        Assert.SkipUnless(available, "this machine has no IPv6 loopback (::1)");
    }

    private static int ClosedPort(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
