namespace Vault.Api.Hosting;

/// <summary>The folder a relative <c>Vault:DataDirectory</c> is taken from.</summary>
public static class DataDirectoryBase
{
    /// <summary>
    /// The working directory, except inside a checkout's <c>src/Vault.Api</c>: <c>dotnet run</c> starts a Web SDK project
    /// there (its <c>RunWorkingDirectory</c> is the project folder), and a person who typed
    /// <c>dotnet run --project src/Vault.Api</c> at the checkout's root means that root, as the README says.
    /// </summary>
    public static string For(string workingDirectory)
    {
        var project = new DirectoryInfo(workingDirectory);
        var checkout = project.Parent?.Parent;
        var inCheckoutProject = checkout is not null
            && File.Exists(Path.Combine(project.FullName, "Vault.Api.csproj"))
            && File.Exists(Path.Combine(checkout.FullName, "Vault.sln"));
        return inCheckoutProject ? checkout!.FullName : project.FullName;
    }
}
