SELECT replace('aaa', 'a', 'bb'), replace('abc', 'x', 'y'), replace('abcabc', 'bc', '')
