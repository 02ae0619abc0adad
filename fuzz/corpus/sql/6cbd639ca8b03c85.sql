SELECT length('Ünïcödé ✓'), upper('éa'), lower('ÀÉÎ'), length(''), length(NULL)
