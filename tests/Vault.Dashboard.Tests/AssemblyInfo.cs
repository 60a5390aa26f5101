// Each test runs its own Vault host and Chromium; on two shared cores they go one at a time. Quartz's scheduler
// repository is also process-wide, so two hosts alive at once would share (and shut down) one scheduler.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
