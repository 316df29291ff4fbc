<#
.SYNOPSIS
    Writes the module's MAML help (en-US/LlmClusters.dll-Help.xml) from docs/<Cmdlet>.md, and about_ topics.
.DESCRIPTION
    platyPS is not available from the package registry here, so this small converter does its job: the text
    (synopsis, description, examples, parameter descriptions, inputs, outputs, notes) comes from the markdown in
    docs/, and the syntax and parameter facts (type, position, pipeline input, aliases) from the built cmdlets
    themselves, so the two cannot drift apart. A cmdlet without a page, or a parameter without a description,
    fails the build.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $DocsPath
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$PSStyle.OutputRendering = 'PlainText'

$module = Import-Module $ModulePath -PassThru -Force
$helpDir = Join-Path $module.ModuleBase 'en-US'
New-Item -ItemType Directory -Force -Path $helpDir | Out-Null
$common = [System.Management.Automation.Internal.CommonParameters].GetProperties().Name +
    [System.Management.Automation.Internal.ShouldProcessParameters].GetProperties().Name

function Read-Sections([string] $text) {
    # Splits a page into its '## ' sections, and each into '### ' subsections, keeping their order.
    $sections = [ordered]@{}
    $current = $null
    foreach ($line in $text -split "`r?`n") {
        if ($line -match '^## (.+)$') { $current = $Matches[1].Trim(); $sections[$current] = [Collections.Generic.List[string]]::new(); continue }
        if ($null -ne $current) { $sections[$current].Add($line) }
    }
    $sections
}

function Split-Subsections([string[]] $lines) {
    $items = [ordered]@{}
    $current = $null
    foreach ($line in $lines) {
        if ($line -match '^### (.+)$') { $current = $Matches[1].Trim(); $items[$current] = [Collections.Generic.List[string]]::new(); continue }
        if ($null -ne $current) { $items[$current].Add($line) }
    }
    $items
}

# Blank lines part paragraphs, and each item of a list ("- ..." or "1. ...") is a paragraph of its own, so that
# Get-Help shows lists as lists; other lines of a paragraph are joined.
function Get-Paragraphs([string[]] $lines) {
    foreach ($block in (($lines -join "`n").Trim() -split "`n\s*`n") | Where-Object { $_.Trim() }) {
        $current = [Collections.Generic.List[string]]::new()
        foreach ($line in $block -split "`n") {
            if ($line -match '^\s*(-|\d+\.)\s' -and $current.Count -gt 0) { $current -join ' '; $current.Clear() }
            $current.Add($line.Trim())
        }
        if ($current.Count -gt 0) { $current -join ' ' }
    }
}

function Add-Paragraphs($writer, [string[]] $paragraphs) {
    foreach ($p in $paragraphs) { $writer.WriteElementString('maml', 'para', $ns.maml, $p) }
}

$ns = @{
    msh = 'http://msh'; maml = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'; dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
}

$settings = [Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [Text.UTF8Encoding]::new($false) }
$writer = [Xml.XmlWriter]::Create((Join-Path $helpDir 'LlmClusters.dll-Help.xml'), $settings)
$writer.WriteStartDocument()
$writer.WriteStartElement('helpItems', $ns.msh)
$writer.WriteAttributeString('schema', 'maml')
$writer.WriteAttributeString('xmlns', 'maml', $null, $ns.maml)
$writer.WriteAttributeString('xmlns', 'command', $null, $ns.command)
$writer.WriteAttributeString('xmlns', 'dev', $null, $ns.dev)

function Write-Parameter($writer, $parameter, $metadata, [string] $description, $position) {
    $isSwitch = $parameter.ParameterType -eq [switch]
    $type = [Nullable]::GetUnderlyingType($parameter.ParameterType) ?? $parameter.ParameterType
    $pipeline = @()
    foreach ($attribute in $metadata.Attributes | Where-Object { $_ -is [Parameter] }) {
        if ($attribute.ValueFromPipeline) { $pipeline += 'ByValue' }
        if ($attribute.ValueFromPipelineByPropertyName) { $pipeline += 'ByPropertyName' }
    }
    $writer.WriteStartElement('command', 'parameter', $ns.command)
    $writer.WriteAttributeString('required', ([string]$parameter.IsMandatory).ToLowerInvariant())
    $writer.WriteAttributeString('variableLength', 'true')
    $writer.WriteAttributeString('globbing', ([string]($null -ne ($metadata.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }))).ToLowerInvariant())
    $writer.WriteAttributeString('pipelineInput', $(if ($pipeline) { "True ($($pipeline -join ', ' ))" } else { 'False' }))
    $writer.WriteAttributeString('position', $(if ($position -ge 0) { [string]$position } else { 'named' }))
    $writer.WriteAttributeString('aliases', $(if ($metadata.Aliases.Count) { $metadata.Aliases -join ', ' } else { 'none' }))
    $writer.WriteElementString('maml', 'name', $ns.maml, $parameter.Name)
    $writer.WriteStartElement('maml', 'description', $ns.maml); Add-Paragraphs $writer (Get-Paragraphs $description); $writer.WriteEndElement()
    if (-not $isSwitch) {
        $writer.WriteStartElement('command', 'parameterValue', $ns.command)
        $writer.WriteAttributeString('required', 'true'); $writer.WriteAttributeString('variableLength', 'false')
        $writer.WriteString($type.Name); $writer.WriteEndElement()
    }
    $writer.WriteStartElement('dev', 'type', $ns.dev); $writer.WriteElementString('maml', 'name', $ns.maml, $type.FullName); $writer.WriteEndElement()
    $writer.WriteElementString('dev', 'defaultValue', $ns.dev, 'None')
    $writer.WriteEndElement()
}

foreach ($command in Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name) {
    $page = Join-Path $DocsPath "$($command.Name).md"
    if (-not (Test-Path $page)) { throw "docs/$($command.Name).md is missing: every cmdlet needs a help page." }
    $sections = Read-Sections (Get-Content -Raw $page)
    foreach ($required in 'SYNOPSIS', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS') {
        if (-not $sections.Contains($required)) { throw "docs/$($command.Name).md has no '## $required' section." }
    }
    $parameterText = Split-Subsections $sections['PARAMETERS']
    $ownParameters = $command.Parameters.Values | Where-Object { $_.Name -notin $common }
    foreach ($p in $ownParameters) {
        if (-not $parameterText.Contains("-$($p.Name)")) { throw "docs/$($command.Name).md does not describe -$($p.Name)." }
    }

    $verb, $noun = $command.Name -split '-', 2
    $writer.WriteStartElement('command', 'command', $ns.command)
    $writer.WriteStartElement('command', 'details', $ns.command)
    $writer.WriteElementString('command', 'name', $ns.command, $command.Name)
    $writer.WriteElementString('command', 'verb', $ns.command, $verb)
    $writer.WriteElementString('command', 'noun', $ns.command, $noun)
    $writer.WriteStartElement('maml', 'description', $ns.maml); Add-Paragraphs $writer (Get-Paragraphs $sections['SYNOPSIS']); $writer.WriteEndElement()
    $writer.WriteEndElement()
    $writer.WriteStartElement('maml', 'description', $ns.maml); Add-Paragraphs $writer (Get-Paragraphs $sections['DESCRIPTION']); $writer.WriteEndElement()

    $writer.WriteStartElement('command', 'syntax', $ns.command)
    foreach ($set in $command.ParameterSets) {
        $writer.WriteStartElement('command', 'syntaxItem', $ns.command)
        $writer.WriteElementString('maml', 'name', $ns.maml, $command.Name)
        foreach ($p in $set.Parameters | Where-Object { $_.Name -notin $common }) {
            Write-Parameter $writer $p $command.Parameters[$p.Name] ($parameterText["-$($p.Name)"] -join "`n") $p.Position
        }
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    $writer.WriteStartElement('command', 'parameters', $ns.command)
    foreach ($p in $ownParameters) {
        $inSet = $command.ParameterSets | ForEach-Object { $_.Parameters } | Where-Object Name -eq $p.Name | Select-Object -First 1
        Write-Parameter $writer $inSet $p ($parameterText["-$($p.Name)"] -join "`n") $inSet.Position
    }
    $writer.WriteEndElement()

    foreach ($kind in @(@{ Section = 'INPUTS'; Outer = 'inputTypes'; Inner = 'inputType' }, @{ Section = 'OUTPUTS'; Outer = 'returnValues'; Inner = 'returnValue' })) {
        if (-not $sections.Contains($kind.Section)) { continue }
        $writer.WriteStartElement('command', $kind.Outer, $ns.command)
        $items = Split-Subsections $sections[$kind.Section]
        foreach ($name in $items.Keys) {
            $writer.WriteStartElement('command', $kind.Inner, $ns.command)
            $writer.WriteStartElement('dev', 'type', $ns.dev); $writer.WriteElementString('maml', 'name', $ns.maml, $name); $writer.WriteEndElement()
            $writer.WriteStartElement('maml', 'description', $ns.maml); Add-Paragraphs $writer (Get-Paragraphs $items[$name]); $writer.WriteEndElement()
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()
    }
    if ($sections.Contains('NOTES')) {
        $writer.WriteStartElement('maml', 'alertSet', $ns.maml); $writer.WriteStartElement('maml', 'alert', $ns.maml)
        Add-Paragraphs $writer (Get-Paragraphs $sections['NOTES']); $writer.WriteEndElement(); $writer.WriteEndElement()
    }

    $examples = Split-Subsections $sections['EXAMPLES']
    if ($examples.Count -eq 0) { throw "docs/$($command.Name).md has no example." }
    $writer.WriteStartElement('command', 'examples', $ns.command)
    foreach ($title in $examples.Keys) {
        $body = $examples[$title] -join "`n"
        if ($body -notmatch '(?s)```(?:powershell)?\n(.*?)\n```(.*)$') { throw "docs/$($command.Name).md: '$title' has no code block." }
        $writer.WriteStartElement('command', 'example', $ns.command)
        $writer.WriteElementString('maml', 'title', $ns.maml, "-------------------------- $title --------------------------")
        $writer.WriteElementString('dev', 'code', $ns.dev, $Matches[1])
        $writer.WriteStartElement('dev', 'remarks', $ns.dev); Add-Paragraphs $writer (Get-Paragraphs ($Matches[2] -split "`n")); $writer.WriteEndElement()
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    if ($sections.Contains('RELATED LINKS')) {
        $writer.WriteStartElement('command', 'relatedLinks', $ns.command)
        foreach ($line in $sections['RELATED LINKS'] | Where-Object { $_ -match '\S' }) {
            $writer.WriteStartElement('maml', 'navigationLink', $ns.maml)
            $writer.WriteElementString('maml', 'linkText', $ns.maml, ($line -replace '^\s*[-*]\s*', '' -replace '\[([^\]]+)\]\([^)]*\)', '$1').Trim())
            $writer.WriteElementString('maml', 'uri', $ns.maml, '')
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()
}
$writer.WriteEndElement()
$writer.WriteEndDocument()
$writer.Dispose()

foreach ($about in Get-ChildItem $DocsPath -Filter 'about_*.md') {
    Copy-Item $about.FullName (Join-Path $helpDir ($about.BaseName + '.help.txt'))
}
