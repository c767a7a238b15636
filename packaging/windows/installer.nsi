; Mailroom's Windows installer (NSIS 3). packaging/windows/package.sh
; passes every !define below from FyneApp.toml; run it through
; `make package-windows`, not by hand.
;
; Per user, no administrator rights: %LOCALAPPDATA%\Programs\Mailroom, a
; Start-menu entry, an "Apps & features" entry under HKCU. Running a newer
; installer upgrades in place. Uninstalling removes the program only: the
; user's campaigns, journal and accounts (%APPDATA%\<ID>), preferences
; (%APPDATA%\fyne\<ID>) and keychain entries stay, as they do on upgrade.

!ifndef APP_NAME | APP_ID | VERSION | VERSION4 | EXE | ICON | LICENSE_FILE | OUTFILE
  !error "run through packaging/windows/package.sh"
!endif

; With a certificate (packaging/windows/sign.sh), the uninstaller and the
; installer are signed as makensis writes them.
!ifdef SIGN_CMD
  !uninstfinalize '"${SIGN_CMD}" "%1"'
  !finalize '"${SIGN_CMD}" "%1"'
!endif

Unicode true
; 64-bit stub: the installer runs where mailroom.exe runs, and under wine64.
Target amd64-unicode
SetCompressor /SOLID lzma
RequestExecutionLevel user
ManifestDPIAware true

!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"

Name "${APP_NAME}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
BrandingText "${APP_NAME} ${VERSION}"

VIProductVersion "${VERSION4}"
VIFileVersion "${VERSION4}"
VIAddVersionKey /LANG=1033 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=1033 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "FileDescription" "${APP_NAME} ${VERSION} setup"
VIAddVersionKey /LANG=1033 "CompanyName" "The Mailroom authors"
VIAddVersionKey /LANG=1033 "LegalCopyright" "Copyright (c) The Mailroom authors"

!include "MUI2.nsh"
!include "FileFunc.nsh"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\mailroom.exe"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "SimpChinese"

Function .onInit
  SetShellVarContext current
FunctionEnd

Function un.onInit
  SetShellVarContext current
FunctionEnd

Section "Mailroom" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; Overwrites an earlier version's files: that is the upgrade.
  File "/oname=mailroom.exe" "${EXE}"
  File "/oname=LICENSE.txt" "${LICENSE_FILE}"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortCut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\mailroom.exe" "" "$INSTDIR\mailroom.exe" 0

  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\mailroom.exe,0"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "The Mailroom authors"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "URLInfoAbout" "https://github.com/mailroomapp/mailroom"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "Uninstall"
  Delete "$INSTDIR\mailroom.exe"
  Delete "$INSTDIR\LICENSE.txt"
  Delete "$INSTDIR\uninstall.exe"
  ; Only if empty: never a folder the user put files in.
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${APP_NAME}.lnk"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
SectionEnd
