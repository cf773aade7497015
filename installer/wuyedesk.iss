; Inno Setup 6 script: the Windows installer of wuyedesk (per machine, upgrades in place).
;
; Build dist\wuyedesk\ first (PyInstaller, installer\wuyedesk.spec), then from the checkout:
;
;     iscc installer\wuyedesk.iss                       version read from wuyedesk\__init__.py
;     iscc /DAppVersion=0.2.0 installer\wuyedesk.iss    version passed by the Makefile or CI
;
; The result is dist\wuyedesk-setup-<version>.exe. Saved as UTF-8 with a byte-order mark, so
; the compiler reads the Chinese names correctly. Needs Inno Setup 6.3 or later
; ("x64compatible"). See installer\README.md.
;
; THE OFFICE FILE IS NEVER TOUCHED. It lives in the user's data folder,
; %APPDATA%\wuyedesk\office.wuye with office.wuye.keys beside it (wuyedesk\paths.py,
; user_data_dir), not in {app}. This script therefore has no [InstallDelete] or
; [UninstallDelete] entry for {userappdata}, {localappdata} or anything outside {app}:
; installing, upgrading and uninstalling leave every office's records, keys, backups and
; settings where they are. Keep it that way (tests/unit/test_installer_files.py checks).

#define AppName "物业管理处桌面 wuyedesk"
#define AppExe "wuyedesk.exe"

; The version: /DAppVersion=… on the iscc command line wins; otherwise the line
; __version__ = "x.y.z" of wuyedesk\__init__.py (read by the preprocessor, ISPP).
#ifndef AppVersion
  #define VersionFile AddBackslash(SourcePath) + "..\wuyedesk\__init__.py"
  #define FileHandle
  #define FileLine
  #define AppVersion ""
  #sub ReadVersionLine
    #define FileLine = FileRead(FileHandle)
    #if Pos("__version__", FileLine) == 1
      #define AppVersion = Trim(StringChange(StringChange(Copy(FileLine, Pos("=", FileLine) + 1), '"', ""), "'", ""))
    #endif
  #endsub
  #for {FileHandle = FileOpen(VersionFile); FileHandle && !FileEof(FileHandle); ""} ReadVersionLine
  #if FileHandle
    #expr FileClose(FileHandle)
  #endif
  #if AppVersion == ""
    #error No __version__ line found in wuyedesk\__init__.py: pass /DAppVersion=x.y.z
  #endif
#endif

[Setup]
; The AppId never changes: Windows knows every later installer as the same program, so an
; upgrade replaces the installed version in place (same folder, same uninstall entry).
AppId={{9A1BA1D9-6ADE-4D8C-B7FB-EEA767F5A7FB}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=wuyedesk
; Paths below are relative to the checkout (the folder above this script).
SourceDir=..
OutputDir=dist
OutputBaseFilename=wuyedesk-setup-{#AppVersion}
SetupIconFile=resources\icons\wuyedesk.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
; Per machine: one installation in Program Files for every user of the office PC.
PrivilegesRequired=admin
DefaultDirName={autopf}\wuyedesk
UsePreviousAppDir=yes
DefaultGroupName=wuyedesk
UsePreviousGroup=yes
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; A running wuyedesk is asked to close before its files are replaced.
CloseApplications=yes
RestartApplications=no
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=auto

[Languages]
; English is Inno Setup's own Default.isl. Simplified Chinese is not among the translations
; every Inno Setup 6.3 ships, so it is used from whichever of these exists when compiling:
;   1. <Inno Setup folder>\Languages\ChineseSimplified.isl (newer Inno Setup releases, or
;      copied there by hand), or
;   2. installer\ChineseSimplified.isl beside this script — save it there from Inno Setup's
;      translations page (https://jrsoftware.org/files/istrans/, "Chinese (Simplified)").
; With neither, the installer is English only and the compiler says so; it still compiles
; on a stock Inno Setup 6.3.
Name: "english"; MessagesFile: "compiler:Default.isl"
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#elif FileExists(AddBackslash(SourcePath) + "ChineseSimplified.isl")
Name: "chinesesimplified"; MessagesFile: "{#AddBackslash(SourcePath)}ChineseSimplified.isl"
#else
  #pragma warning "ChineseSimplified.isl not found: the installer will be English only (see [Languages])"
#endif

[Tasks]
; Checked by default (no "unchecked" flag): the clerk finds the program on the desktop.
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; Only the program's own folder: an upgrade must not keep libraries the new build dropped.
; Never the user's data folder (see the top of this file).
Type: filesandordirs; Name: "{app}\_internal"

[Files]
; The whole PyInstaller one-folder build: wuyedesk.exe (the window), wuyedesk-cli.exe (the
; command line, with a console) and _internal\ (Python, Qt, forms, reports, resources).
Source: "dist\wuyedesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
; Started as the user who ran the installer, not as the administrator, so the office file
; the set-up wizard creates lands in that user's %APPDATA%\wuyedesk.
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent runasoriginaluser

[UninstallDelete]
; Files the program may have left in its own folder (Python byte-code caches); nothing else.
Type: filesandordirs; Name: "{app}\_internal"
