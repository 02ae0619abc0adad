SELECT split('a1b22c333d', '[0-9]+')
