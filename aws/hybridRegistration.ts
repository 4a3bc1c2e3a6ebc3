// The commands that register a server as a hybrid (mi-) node, as the SSM User Guide gives them,
// filled in with one activation. Pure text generation.

export interface RegistrationCommands {
    /** For a Linux server whose SSM Agent is installed (systemd): stop the agent, register, start it. */
    readonly linux: string;
    /** For Windows Server, in PowerShell as Administrator: installs the agent from the region's bucket and registers. */
    readonly windows: string;
}

/**
 * Linux: https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-install-managed-linux.html
 * (`-E` keeps an http_proxy or https_proxy the server needs).
 * Windows: https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-install-managed-win.html
 */
export function registrationCommands(code: string, id: string, region: string): RegistrationCommands {
    const linux = [
        "sudo systemctl stop amazon-ssm-agent",
        `sudo -E amazon-ssm-agent -register -code "${code}" -id "${id}" -region "${region}"`,
        "sudo systemctl start amazon-ssm-agent",
    ];
    const windows = [
        `$code = "${code}"`,
        `$id = "${id}"`,
        `$region = "${region}"`,
        '$dir = $env:TEMP + "\\ssm"',
        "New-Item -ItemType directory -Path $dir -Force",
        "cd $dir",
        '(New-Object System.Net.WebClient).DownloadFile("https://amazon-ssm-$region.s3.$region.amazonaws.com/latest/windows_amd64/AmazonSSMAgentSetup.exe", $dir + "\\AmazonSSMAgentSetup.exe")',
        'Start-Process .\\AmazonSSMAgentSetup.exe -ArgumentList @("/q", "/log", "install.log", "CODE=$code", "ID=$id", "REGION=$region") -Wait',
        'Get-Content ($env:ProgramData + "\\Amazon\\SSM\\InstanceData\\registration")',
        'Get-Service -Name "AmazonSSMAgent"',
    ];
    return { linux: `${linux.join("\n")}\n`, windows: `${windows.join("\n")}\n` };
}
