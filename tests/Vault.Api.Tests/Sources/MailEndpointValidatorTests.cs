using System.Runtime.Loader;
using FluentValidation.Results;
using Vault.Api.Sources;

namespace Vault.Api.Tests.Sources;

/// <summary>
/// The source, connector and restore validators share MailEndpointValidator. Their static instances must work whichever
/// of them a process makes first: a shared static instance once tied their initializers into a cycle, and every source
/// create answered 500 when the restore validator happened to be made first. Each case loads Vault.Api afresh, so its
/// statics start unmade.
/// </summary>
public sealed class MailEndpointValidatorTests
{
    private static readonly (string Validator, string Property, string Request)[] Validators =
    [
        ("Vault.Api.Sources.SourceRequestValidator", "ForCreate", "Vault.Api.Sources.SourceRequest"),
        ("Vault.Api.Connectors.ConnectorRequestValidator", "ForCreate", "Vault.Api.Connectors.ConnectorRequest"),
        ("Vault.Api.Restore.RestoreRequestValidator", "Instance", "Vault.Api.Restore.RestoreRequest"),
    ];

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Every_request_validator_checks_the_endpoint_whichever_is_made_first(int first)
    {
        var context = new AssemblyLoadContext($"validators-{first}", isCollectible: true);
        try
        {
            var api = context.LoadFromAssemblyPath(typeof(MailEndpointValidator).Assembly.Location);
            foreach (var (validatorType, property, requestType) in Validators.Skip(first).Concat(Validators.Take(first)))
            {
                var validator = api.GetType(validatorType, throwOnError: true)!.GetProperty(property)!.GetValue(null)!;
                var request = Activator.CreateInstance(api.GetType(requestType, throwOnError: true)!)!;
                request.GetType().GetProperty("Port")!.SetValue(request, 70_000);
                request.GetType().GetProperty("TlsMode")!.SetValue(request, "sometimes");
                var result = (ValidationResult)validator.GetType().GetMethod("Validate", [request.GetType()])!.Invoke(validator, [request])!;

                Assert.Contains(result.Errors, e => e.PropertyName == "Port" && e.ErrorMessage == "The port is between 1 and 65535.");
                Assert.Contains(result.Errors, e => e.PropertyName == "TlsMode" && e.ErrorMessage == "The TLS mode is 'implicit' or 'starttls'.");
            }
        }
        finally
        {
            context.Unload();
        }
    }
}
