SELECT trim('  a b  '), ltrim('  a b  '), rtrim('  a b  '), length(trim('   ')), trim(s) FROM types
