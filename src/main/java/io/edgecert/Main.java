package io.edgecert; public class Main { public static void main(String[] a){} }
