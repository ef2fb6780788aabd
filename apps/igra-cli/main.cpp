#include <cstdio>
int main() { std::puts("igra-cli"); return 0; }
