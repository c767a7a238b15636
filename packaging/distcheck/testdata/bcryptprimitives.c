/* TEST ONLY, never shipped: a stand-in for Windows 10's
 * bcryptprimitives.dll, which Wine 8 (Debian 12) lacks and Go's runtime
 * (1.22+) loads for ProcessPrng. It fills the buffer from advapi32's
 * RtlGenRandom (SystemFunction036), which Wine has. make dist-check builds
 * it with mingw-w64 into the throw-away Wine prefix. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
	while (length > 0) {
		ULONG n = length > 0x10000000 ? 0x10000000 : (ULONG)length;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		length -= n;
	}
	return TRUE;
}
